/**
 * Where the real recordings live: `shared/realdata` beside the repo (CI clones the repo next to a
 * copy of shared/). Git worktrees sit one level deeper, so the nearest ancestor holding
 * `shared/realdata` wins. Resolved from this file, independent of the working directory.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export function realdataDir(): string {
  for (let dir = path.dirname(REPO_ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "realdata");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`real recordings not found: no shared/realdata beside ${REPO_ROOT} or above it`);
}

export function realdataFile(name: string): string {
  return path.join(realdataDir(), name);
}
