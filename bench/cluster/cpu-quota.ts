/**
 * `--cpu-quota C`: every worker process runs in its own cgroup limited to C cores (cgroup v2 `cpu.max` where the
 * cpu controller is on the unified hierarchy, else v1 `cpu.cfs_quota_us`), so that on a 2-core machine the worker
 * tier is the bottleneck and adding a worker process adds capacity. The cgroups are created here and removed when
 * the processes are gone (also after Ctrl-C; leftovers of a killed bench are swept on the next start).
 */
import fs from "node:fs";
import path from "node:path";

const PERIOD_US = 100_000;
const NAME_PREFIX = "vtox-bench-";

export type CgroupVersion = "v1" | "v2";

/** Where cpu limits are set: the cgroup this process is in, on the hierarchy that has the cpu controller. */
export interface CpuHierarchy {
  version: CgroupVersion;
  /** Directory of this process's own cgroup; the bench's groups are made under it. */
  parent: string;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** This process's cgroup path on a hierarchy: v2 line `0::/path`, v1 line `N:cpu,cpuacct:/path`. */
export function ownCgroupPath(procSelfCgroup: string, version: CgroupVersion): string {
  for (const line of procSelfCgroup.split("\n")) {
    const [, controllers, p] = line.split(":");
    if (p === undefined) continue;
    if (version === "v2" && line.startsWith("0::")) return p;
    if (version === "v1" && controllers.split(",").includes("cpu")) return p;
  }
  return "/";
}

/** The cgroup v2 cpu controller if a unified mount offers it, else the v1 cpu hierarchy, else undefined. */
export function findCpuHierarchy(root = "/sys/fs/cgroup"): CpuHierarchy | undefined {
  const self = read("/proc/self/cgroup") ?? "";
  for (const mount of [root, path.join(root, "unified")]) {
    const controllers = read(path.join(mount, "cgroup.controllers"));
    if (controllers?.split(/\s+/).includes("cpu")) return { version: "v2", parent: path.join(mount, ownCgroupPath(self, "v2")) };
  }
  for (const mount of [path.join(root, "cpu"), path.join(root, "cpu,cpuacct")]) {
    if (fs.existsSync(path.join(mount, "cpu.cfs_quota_us"))) return { version: "v1", parent: path.join(mount, ownCgroupPath(self, "v1")) };
  }
  return undefined;
}

/** The limit files and their contents for `cores` of CPU. */
export function quotaFiles(version: CgroupVersion, cores: number): [string, string][] {
  const quotaUs = Math.max(1000, Math.round(cores * PERIOD_US));
  return version === "v2"
    ? [["cpu.max", `${quotaUs} ${PERIOD_US}`]]
    : [
        ["cpu.cfs_period_us", String(PERIOD_US)],
        ["cpu.cfs_quota_us", String(quotaUs)],
      ];
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class CpuQuota {
  private readonly groups: string[] = [];

  private constructor(
    readonly hierarchy: CpuHierarchy,
    readonly cores: number,
  ) {}

  /** Throws with the reason when no writable cpu hierarchy exists (not Linux, not root, no cpu controller). */
  static create(cores: number, root?: string): CpuQuota {
    if (!(cores > 0)) throw new Error("--cpu-quota must be a positive number of cores, e.g. 0.25");
    const hierarchy = findCpuHierarchy(root);
    if (!hierarchy) throw new Error("--cpu-quota: no cgroup cpu controller found (cgroup v2 cpu.max or v1 cpu.cfs_quota_us)");
    if (hierarchy.version === "v2") {
      // Children get the cpu controller only if the parent delegates it.
      const control = path.join(hierarchy.parent, "cgroup.subtree_control");
      if (!(read(control) ?? "").split(/\s+/).includes("cpu")) fs.writeFileSync(control, "+cpu");
    }
    const quota = new CpuQuota(hierarchy, cores);
    quota.sweepLeftovers();
    return quota;
  }

  /** Groups of benches that no longer run (SIGKILLed): removed if empty. */
  private sweepLeftovers(): void {
    for (const name of fs.readdirSync(this.hierarchy.parent)) {
      const m = new RegExp(`^${NAME_PREFIX}(\\d+)-`).exec(name);
      if (m && !pidAlive(Number(m[1]))) this.removeDir(path.join(this.hierarchy.parent, name));
    }
  }

  /** Creates the group of one process and returns the command that joins it before exec'ing `command`. */
  wrap(name: string, command: string, args: readonly string[]): { command: string; args: string[] } {
    const dir = path.join(this.hierarchy.parent, `${NAME_PREFIX}${process.pid}-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    this.groups.push(dir);
    for (const [file, value] of quotaFiles(this.hierarchy.version, this.cores)) fs.writeFileSync(path.join(dir, file), value);
    // The shell joins the group and execs: the pid stays the same and no thread of the process ever runs outside it.
    return { command: "/bin/sh", args: ["-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, command, ...args] };
  }

  private removeDir(dir: string): boolean {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ENOENT";
    }
  }

  /** Removes the groups; call when their processes have exited (a group with live members cannot be removed). */
  remove(): string[] {
    const left = this.groups.filter((dir) => !this.removeDir(dir));
    this.groups.splice(0, this.groups.length, ...left);
    return left;
  }
}
