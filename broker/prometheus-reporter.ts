/**
 * Prometheus text exposition without a per-process HTTP port: several Moleculer processes on one machine
 * would fight over one port, so the reporter listens only when METRICS_PORT is set; otherwise the api
 * serves the same text at /metrics.
 */
import { MetricReporters } from "moleculer";

type PrometheusOptions = ConstructorParameters<typeof MetricReporters.Prometheus>[0];

export class EmbeddablePrometheusReporter extends MetricReporters.Prometheus {
  private readonly listen: boolean;

  constructor(opts: PrometheusOptions & { listen?: boolean }) {
    super(opts);
    this.listen = opts.listen ?? false;
  }

  override init(registry: Parameters<InstanceType<typeof MetricReporters.Prometheus>["init"]>[0]): void {
    if (this.listen) {
      super.init(registry);
      return;
    }
    // Same bookkeeping as BaseReporter.init + the reporter's default labels, minus the HTTP server.
    MetricReporters.Base.prototype.init.call(this, registry);
    const labels = (this.opts as { defaultLabels?: unknown }).defaultLabels;
    (this as unknown as { defaultLabels: unknown }).defaultLabels =
      typeof labels === "function" ? (labels as (r: unknown) => unknown).call(this, registry) : labels;
  }

  override stop(): Promise<void> {
    return this.listen ? super.stop() : Promise.resolve();
  }

  /** The Prometheus text format of every metric this broker holds. */
  exposition(): string {
    return this.generatePrometheusResponse();
  }
}
