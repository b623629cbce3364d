/**
 * Where the real recordings live: `<repoRoot>/../shared/realdata` (CI clones the repo beside a copy
 * of shared/). Resolved from this file, so it does not depend on the working directory.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export function realdataDir(): string {
  const dir = path.resolve(REPO_ROOT, "..", "shared", "realdata");
  if (!existsSync(dir)) throw new Error(`real recordings not found at ${dir} (expected shared/ beside the repo)`);
  return dir;
}

export function realdataFile(name: string): string {
  return path.join(realdataDir(), name);
}
