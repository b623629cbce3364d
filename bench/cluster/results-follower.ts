/**
 * Follows the results stream with XREAD: counts results whose entry id (Redis time) falls in the measured
 * interval, and records when each window got its last family's result (window→result latency, lost windows).
 */
import type { Redis } from "ioredis";

export class ResultsFollower {
  readonly counts = new Map<string, number>();
  readonly completedAt = new Map<string, number>();
  resultsInWindow = 0;
  private running = true;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly families: number,
    private readonly window: { from: number; to: number },
  ) {}

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let last = "$";
    while (this.running) {
      const reply = await this.redis.xread("COUNT", 5000, "BLOCK", 500, "STREAMS", this.stream, last);
      if (!reply) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id;
          const idMs = Number(id.slice(0, id.indexOf("-")));
          if (idMs >= this.window.from && idMs < this.window.to) this.resultsInWindow++;
          const at = fields.indexOf("original_message_id");
          const original = at >= 0 ? fields[at + 1] : undefined;
          if (!original) continue;
          const n = (this.counts.get(original) ?? 0) + 1;
          this.counts.set(original, n);
          if (n === this.families) this.completedAt.set(original, idMs);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
