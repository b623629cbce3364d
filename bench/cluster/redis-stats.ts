/**
 * Traffic through Redis over the measured interval: INFO stats byte and command counters and INFO commandstats,
 * snapshotted at its start and end. On a shared Redis these include other clients' traffic (hence --redis private).
 */
import type { Redis } from "ioredis";

export interface RedisCounters {
  netInputBytes: number;
  netOutputBytes: number;
  commands: number;
  /** Per command (lower case): calls and µs spent in Redis. */
  commandStats: Record<string, { calls: number; usec: number }>;
}

export function parseInfoField(text: string, field: string): number {
  const m = new RegExp(`^${field}:(\\S+)`, "m").exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** `cmdstat_xadd:calls=12,usec=345,...` lines of INFO commandstats. */
export function parseCommandStats(text: string): Record<string, { calls: number; usec: number }> {
  const out: Record<string, { calls: number; usec: number }> = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  return out;
}

export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const [stats, commandstats] = await Promise.all([redis.info("stats"), redis.info("commandstats")]);
  return {
    netInputBytes: parseInfoField(stats, "total_net_input_bytes"),
    netOutputBytes: parseInfoField(stats, "total_net_output_bytes"),
    commands: parseInfoField(stats, "total_commands_processed"),
    commandStats: parseCommandStats(commandstats),
  };
}

export interface RedisTraffic {
  netInputBytes: number;
  netOutputBytes: number;
  commands: number;
  /** The commands with the most calls in the interval, most first. */
  topCommands: { command: string; calls: number; usec: number }[];
}

export function redisTraffic(a: RedisCounters, b: RedisCounters, top = 8): RedisTraffic {
  const rows = Object.entries(b.commandStats).map(([command, s]) => ({
    command,
    calls: s.calls - (a.commandStats[command]?.calls ?? 0),
    usec: s.usec - (a.commandStats[command]?.usec ?? 0),
  }));
  return {
    netInputBytes: b.netInputBytes - a.netInputBytes,
    netOutputBytes: b.netOutputBytes - a.netOutputBytes,
    commands: b.commands - a.commands,
    topCommands: rows
      .filter((r) => r.calls > 0)
      .sort((x, y) => y.calls - x.calls)
      .slice(0, top),
  };
}
