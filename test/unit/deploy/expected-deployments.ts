/**
 * The eight Deployments exactly as the flat files k8s/deployment-*.yaml specified them before k8s/ became a kustomize
 * base plus per-unit patches (rendered with namespace vtox and image vtox:latest). The test compares the rendered
 * kustomization with these whole objects, so the restructure cannot change what is applied. A deliberate change to
 * a Deployment changes this file too.
 */
import type { ServiceUnit } from "../../../contracts/service-units";

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

const STANDARD: Resources = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } };
const FAULT_WORKER: Resources = { requests: { cpu: "250m", memory: "192Mi" }, limits: { cpu: "1", memory: "512Mi" } };

/** What differs between units; everything else is common. */
const UNITS: Record<ServiceUnit, { replicas: number; resources: Resources }> = {
  api: { replicas: 2, resources: STANDARD },
  diagnosis: { replicas: 2, resources: STANDARD },
  monitor: { replicas: 1, resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } } },
  "fault-turn": { replicas: 2, resources: FAULT_WORKER },
  "fault-insulation": { replicas: 2, resources: FAULT_WORKER },
  "fault-bearing": { replicas: 2, resources: FAULT_WORKER },
  "fault-eccentricity": { replicas: 2, resources: FAULT_WORKER },
  "fault-broken-bar": { replicas: 2, resources: FAULT_WORKER },
};

const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: "vtox-secrets", key } } });

export function expectedDeployment(unit: ServiceUnit): Record<string, unknown> {
  const labels = { "app.kubernetes.io/name": "vtox", "app.kubernetes.io/component": unit };
  const isApi = unit === "api";
  const probePort = isApi ? "http" : "health";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: unit, namespace: "vtox", labels },
    spec: {
      replicas: UNITS[unit].replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: unit,
              image: "vtox:latest",
              imagePullPolicy: "IfNotPresent",
              envFrom: [{ configMapRef: { name: "vtox-config" } }],
              env: [
                { name: "SERVICES", value: unit },
                { name: "NODE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "REDIS_URL", ...secret("REDIS_URL") },
                ...(isApi
                  ? [
                      { name: "PORT", value: "8000" },
                      { name: "VTOX_ADMIN_KEY", ...secret("VTOX_ADMIN_KEY") },
                    ]
                  : []),
              ],
              ports: [isApi ? { name: "http", containerPort: 8000 } : { name: "health", containerPort: 3001 }, { name: "metrics", containerPort: 3030 }],
              livenessProbe: {
                httpGet: { path: "/live", port: probePort },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: "/ready", port: probePort },
                initialDelaySeconds: 3,
                periodSeconds: 5,
                failureThreshold: 2,
              },
              resources: UNITS[unit].resources,
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
  };
}
