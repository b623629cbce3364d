/**
 * Stream partitions (STREAM_PARTITIONS): a vehicle's windows, its coordinator consumer group and its state live in one
 * partition, chosen by a stable hash of (fleet id, vehicle id), so one vehicle's windows stay in order in one stream.
 * With more than one partition, every name of partition p carries the Redis Cluster hash tag `{vtox:p<p>}`: the
 * partition's stream, its dead letters and its vehicles' keys share one slot, so each partition can live on its own
 * cluster node and every multi-key script or MULTI of a partition touches one slot. One partition (the default)
 * keeps today's names exactly.
 */

export const DEFAULT_STREAM_PARTITIONS = 1;
export const MAX_STREAM_PARTITIONS = 1024;

/** 32-bit FNV-1a of the UTF-16 code units: stable across processes and releases (never change it: data would move). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition (0 … partitions − 1) of one vehicle. */
export function partitionOf(fleetId: string, vehicleId: string, partitions: number): number {
  return partitions <= 1 ? 0 : fnv1a(`${fleetId}/${vehicleId}`) % partitions;
}

/** The Redis Cluster hash tag of partition p. */
export function partitionTag(partition: number): string {
  return `{vtox:p${partition}}`;
}

/** `name` as partition p's own: unchanged with one partition, else suffixed with the partition's hash tag. */
export function partitionedName(name: string, partition: number, partitions: number): string {
  return partitions <= 1 ? name : `${name}:${partitionTag(partition)}`;
}

/** The names of every partition of `name`, index = partition. */
export function partitionNames(name: string, partitions: number): string[] {
  return Array.from({ length: Math.max(1, partitions) }, (_, p) => partitionedName(name, p, partitions));
}
