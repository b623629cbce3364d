/** Shared test plumbing: real brokers on the real Redis transporter, one namespace per test file. */
import { randomBytes } from "node:crypto";
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import type { ServiceUnit } from "../../contracts/service-units";
import * as apiService from "../../services/api.service";
import * as diagnosisService from "../../services/diagnosis.service";
import * as monitorService from "../../services/monitor.service";
import * as turnService from "../../services/fault-turn.service";
import * as insulationService from "../../services/fault-insulation.service";
import * as bearingService from "../../services/fault-bearing.service";
import * as eccentricityService from "../../services/fault-eccentricity.service";
import * as brokenBarService from "../../services/fault-broken-bar.service";
import { loadConfig, type VtoxConfig } from "../../config";
import { brokerConfig } from "../../moleculer.config";

import { REDIS_URL } from "../helpers/redis-fixture";

export { REDIS_URL };

export function uniqueName(tag: string): string {
  return `test-${tag}-${randomBytes(4).toString("hex")}`;
}

export function makeBroker(namespace: string, nodeID: string, extra: Partial<BrokerOptions> = {}): ServiceBroker {
  return new ServiceBroker({
    ...brokerConfig(loadConfig({ ...process.env, REDIS_URL, NAMESPACE: namespace, NODE_ID: nodeID, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn" })),
    ...extra,
  });
}

const SERVICE_MODULES: Record<ServiceUnit, { serviceFromConfig(config: VtoxConfig): ServiceSchema }> = {
  api: apiService,
  diagnosis: diagnosisService,
  monitor: monitorService,
  "fault-turn": turnService,
  "fault-insulation": insulationService,
  "fault-bearing": bearingService,
  "fault-eccentricity": eccentricityService,
  "fault-broken-bar": brokenBarService,
};

/** A unit's service configured from `env` over this process's environment (which is left untouched). */
export function configuredService(unit: ServiceUnit, env: Record<string, string | undefined> = {}): ServiceSchema {
  return SERVICE_MODULES[unit].serviceFromConfig(loadConfig({ ...process.env, ...env }));
}
