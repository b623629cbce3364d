/** Top self-time functions of the .cpuprofile files `node --cpu-prof` wrote, per process directory. */
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export function summarizeProfiles(dir: string, top = 12): string {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return `no profiles in ${dir}`;
  for (const name of fs.readdirSync(dir)) {
    const sub = path.join(dir, name);
    if (!fs.statSync(sub).isDirectory()) continue;
    const selfUs = new Map<string, number>();
    let totalUs = 0;
    for (const file of fs.readdirSync(sub).filter((f) => f.endsWith(".cpuprofile"))) {
      const p = JSON.parse(fs.readFileSync(path.join(sub, file), "utf8")) as CpuProfile;
      const byId = new Map(p.nodes.map((n) => [n.id, n]));
      const samples = p.samples ?? [];
      const deltas = p.timeDeltas ?? [];
      for (let i = 0; i < samples.length; i++) {
        const node = byId.get(samples[i]);
        if (!node) continue;
        const dt = Math.max(0, deltas[i] ?? 0);
        const f = node.callFrame;
        const label =
          `${f.functionName || "(anonymous)"} ${f.url ? `${path.relative(process.cwd(), f.url.replace(/^file:\/\//, ""))}:${f.lineNumber + 1}` : ""}`.trim();
        selfUs.set(label, (selfUs.get(label) ?? 0) + dt);
        totalUs += dt;
      }
    }
    const busyUs = totalUs - (selfUs.get("(idle)") ?? 0);
    out.push(`\n${name}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy; top self time (% of busy):`);
    const sorted = [...selfUs.entries()]
      .filter(([k]) => k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    for (const [label, us] of sorted) out.push(`  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${label}`);
  }
  return out.join("\n");
}

// `tsx bench/cluster/cpu-profile.ts DIR`: summarise profiles written earlier.
if (require.main === module && process.argv[2]) console.log(summarizeProfiles(process.argv[2]));
