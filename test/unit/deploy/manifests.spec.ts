/**
 * Static validation of Dockerfile, docker-compose.yml and k8s/: they must agree with each other and with the code
 * (image, ports, probe paths, environment variable names, service files), keep secrets out of plain text and keep
 * Redis durable. Parsed with the `yaml` package; nothing is deployed. k8s/ is checked as `kubectl apply -k k8s/` would
 * apply it: rendered by ./kustomize.ts, a strict implementation of the kustomize subset that k8s/ uses (and, where a
 * kubectl binary is installed, compared with `kubectl kustomize k8s/`).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { ALL_UNITS, parseServiceUnits, serviceFile } from "../../../contracts/service-units";
import { WORKER_UNITS } from "../../../contracts/families";
import { VARIABLES } from "../../../config";
import { DIAGNOSIS_GROUP } from "../../../contracts/streams";
import { DEFAULT_RAW_STREAM } from "../../../contracts/redis-keys";
import { renderKustomization } from "./kustomize";
import { expectedDeployment } from "./expected-deployments";

const root = path.resolve(__dirname, "../../..");
const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");

type Obj = Record<string, unknown>;
/** A YAML scalar as text ("" when absent). */
const text = (x: unknown): string => (typeof x === "string" || typeof x === "number" ? String(x) : "");
const obj = (x: unknown): Obj => (x != null && typeof x === "object" ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

// ---- the code's view ----------------------------------------------------------------------------------------------
/** Every variable the product reads is declared in config.ts. */
const envReadByCode = new Set<string>(Object.keys(VARIABLES));

// ---- compose ------------------------------------------------------------------------------------------------------
const compose = obj(parse(read("docker-compose.yml"), { merge: true }));
const composeServices = obj(compose.services);
const vtoxCompose = Object.entries(composeServices).filter(([name]) => name !== "redis") as [string, Obj][];

// ---- k8s ----------------------------------------------------------------------------------------------------------
const kustomization = obj(parse(read("k8s/kustomization.yaml")));
const k8sFiles = arr(kustomization.resources).map(String);
/** What `kubectl apply -k k8s/` applies. */
const k8sDocs: Obj[] = renderKustomization(path.join(root, "k8s"));
const optionalDocs: Obj[] = fs
  .readdirSync(path.join(root, "k8s/optional"))
  .flatMap((f) => parseAllDocuments(read(path.join("k8s/optional", f))).map((d) => obj(d.toJS())));
const ofKind = (kind: string) => k8sDocs.filter((d) => d.kind === kind);
const name = (d: Obj) => String(obj(d.metadata).name);
const deployments = ofKind("Deployment");
const podSpec = (d: Obj) => obj(obj(obj(d.spec).template).spec);
const vtoxContainers = (d: Obj) => arr(podSpec(d).containers).map(obj);
const envList = (c: Obj) => arr(c.env).map(obj);
const envValue = (c: Obj, key: string) => envList(c).find((e) => e.name === key)?.value;

function imageRepo(image: unknown): string {
  const s = String(image);
  return s.replace(/:[^/:]+$/, "");
}

describe("deploy: Dockerfile, docker-compose.yml and k8s/ agree with the code", () => {
  it("kustomization lists existing files, and the example secret is not among them", () => {
    expect(
      k8sFiles.filter((f) => !fs.existsSync(path.join(root, "k8s", f))),
      "listed but missing in k8s/",
    ).to.deep.equal([]);
    expect(k8sFiles).to.not.include("secret.example.yaml");
    expect(k8sFiles).to.include.members(["namespace.yaml", "configmap.yaml", "redis-statefulset.yaml", "pdb.yaml", "hpa-fault-workers.yaml"]);
  });

  it("every VTOX compose service and k8s Deployment runs the same image", () => {
    const images = new Set([
      ...vtoxCompose.map(([, s]) => imageRepo(s.image)),
      ...deployments.flatMap((d) => vtoxContainers(d).map((c) => imageRepo(c.image))),
    ]);
    expect([...images]).to.deep.equal(["vtox"]);
    const kImages = arr(kustomization.images).map(obj);
    expect(kImages.map((i) => i.name)).to.deep.equal(["vtox"]);
  });

  it("the api listens on 8000 everywhere", () => {
    expect(read("Dockerfile")).to.match(/^EXPOSE .*\b8000\b/m);
    const api = obj(composeServices.api);
    expect(obj(api.environment).PORT).to.equal("8000");
    expect(arr(api.ports)).to.include("8000:8000");
    expect(JSON.stringify(obj(api.healthcheck).test)).to.contain("127.0.0.1:8000/ready");
    const dep = deployments.find((d) => name(d) === "api")!;
    const c = vtoxContainers(dep)[0];
    expect(envValue(c, "PORT")).to.equal("8000");
    expect(
      arr(c.ports)
        .map(obj)
        .find((p) => p.name === "http")?.containerPort,
    ).to.equal(8000);
    const svc = ofKind("Service").find((s) => name(s) === "api")!;
    const port = arr(obj(svc.spec).ports).map(obj)[0];
    expect(port.port).to.equal(8000);
    expect(port.targetPort).to.equal("http");
    // the code's default agrees too
    expect(VARIABLES.PORT.defaultText).to.equal("8000");
  });

  it("probe paths /live and /ready are served by the code; workers probe HEALTH_PORT", () => {
    // The api's probe route is declared in gateway/routes.ts.
    const api = read("gateway/routes.ts");
    const probes = read("broker/health-probes.ts");
    for (const p of ["/live", "/ready"]) {
      expect(api, `api serves ${p}`).to.contain(`"GET ${p}"`);
      expect(probes, `health probes serve ${p}`).to.contain(`"${p}"`);
    }
    const healthPort = obj(ofKind("ConfigMap")[0].data).HEALTH_PORT;
    for (const d of deployments) {
      const c = vtoxContainers(d)[0];
      const ports = arr(c.ports).map(obj);
      for (const probe of ["livenessProbe", "readinessProbe"]) {
        const get = obj(obj(c[probe]).httpGet);
        expect(get.path, `${name(d)} ${probe}`).to.equal(probe === "livenessProbe" ? "/live" : "/ready");
        const target = ports.find((p) => p.name === get.port);
        expect(target, `${name(d)} ${probe} port`).to.not.equal(undefined);
        expect(target!.containerPort).to.equal(name(d) === "api" ? 8000 : Number(healthPort));
      }
    }
    for (const [svc, s] of vtoxCompose) {
      if (svc === "api") continue;
      expect(obj(s.environment).HEALTH_PORT, svc).to.equal("3001");
      expect(JSON.stringify(obj(s.healthcheck).test), svc).to.contain("process.env.HEALTH_PORT + '/ready'");
    }
  });

  it("environment variable names in the manifests are exactly names the code reads", () => {
    const composeNames = vtoxCompose.flatMap(([, s]) => Object.keys(obj(s.environment)));
    const k8sNames = deployments.flatMap((d) => vtoxContainers(d).flatMap((c) => envList(c).map((e) => String(e.name))));
    const configMapNames = Object.keys(obj(ofKind("ConfigMap")[0].data));
    const all = new Set([...composeNames, ...k8sNames, ...configMapNames]);
    const unread = [...all].filter((n) => !envReadByCode.has(n));
    expect(unread, "set in manifests but never read").to.deep.equal([]);
    // and the settings every process needs are provided in both
    for (const needed of ["REDIS_URL", "NAMESPACE", "SERVICES"]) {
      expect(composeNames, `compose ${needed}`).to.include(needed);
      expect([...k8sNames, ...configMapNames], `k8s ${needed}`).to.include(needed);
    }
  });

  it("each fault family has its own compose service, Deployment and HPA; SERVICES names existing files", () => {
    const hpas = ofKind("HorizontalPodAutoscaler");
    for (const f of WORKER_UNITS) {
      expect(obj(obj(composeServices[f]).environment).SERVICES, `compose ${f}`).to.equal(f);
      const dep = deployments.find((d) => name(d) === f);
      expect(dep, `Deployment ${f}`).to.not.equal(undefined);
      expect(envValue(vtoxContainers(dep!)[0], "SERVICES")).to.equal(f);
      const hpa = hpas.find((h) => obj(obj(h.spec).scaleTargetRef).name === f);
      expect(hpa, `HPA ${f}`).to.not.equal(undefined);
      expect(hpa!.apiVersion).to.equal("autoscaling/v2");
      expect(JSON.stringify(obj(hpa!.spec).metrics)).to.contain('"name":"cpu"');
    }
    const servicesValues = [
      ...vtoxCompose.map(([, s]) => String(obj(s.environment).SERVICES)),
      ...deployments.map((d) => String(envValue(vtoxContainers(d)[0], "SERVICES"))),
    ];
    for (const v of servicesValues) {
      for (const unit of parseServiceUnits(v)) {
        expect(ALL_UNITS).to.include(unit);
        expect(fs.existsSync(serviceFile(unit, root)), `${serviceFile(unit, root)} exists`).to.equal(true);
      }
    }
    expect(read("Dockerfile")).to.match(/CMD \["node", "dist\/bin\/run-services\.js"\]/);
  });

  it("no plaintext secrets: passwords only via ${VAR} in compose and secretKeyRef in k8s", () => {
    const secretish = /PASSWORD|SECRET|TOKEN|_KEY$|AUTH/;
    for (const [svc, s] of Object.entries(composeServices) as [string, Obj][]) {
      for (const [k, v] of Object.entries(obj(s.environment))) {
        const value = String(v);
        if (secretish.test(k)) expect(value, `${svc}.${k}`).to.match(/^\$\{[A-Z_]+:\?[^}]*\}$/);
        if (k === "REDIS_URL") expect(value, `${svc}.REDIS_URL`).to.match(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@/);
      }
    }
    expect(JSON.stringify(obj(composeServices.redis).command)).to.contain("${REDIS_PASSWORD:?");
    const allK8sContainers = [...deployments, ...ofKind("StatefulSet")].flatMap((d) => vtoxContainers(d));
    for (const c of allK8sContainers) {
      for (const e of envList(c)) {
        if (secretish.test(String(e.name)) || e.name === "REDIS_URL") {
          expect(e.value, `${String(c.name)}.${String(e.name)} must not be inline`).to.equal(undefined);
          expect(obj(obj(e.valueFrom).secretKeyRef).name, `${String(c.name)}.${String(e.name)}`).to.equal("vtox-secrets");
        }
      }
    }
    expect(ofKind("Secret"), "no Secret object is applied from the repository").to.deep.equal([]);
    const example = parse(read("k8s/secret.example.yaml")) as Obj;
    for (const v of Object.values(obj(example.stringData))) expect(String(v)).to.match(/<[^>]+>/);
  });

  it("Redis persists with AOF and fsync every second, in compose and in k8s", () => {
    const cmd = arr(obj(composeServices.redis).command).map(String);
    expect(cmd.join(" ")).to.contain("--appendonly yes --appendfsync everysec");
    expect(obj(composeServices.redis).image).to.equal("redis:7-alpine");
    const sts = ofKind("StatefulSet").find((s) => name(s) === "redis")!;
    const args = arr(vtoxContainers(sts)[0].args).map(String);
    expect(args.join(" ")).to.contain("--appendonly yes --appendfsync everysec");
    expect(arr(obj(sts.spec).volumeClaimTemplates)).to.have.length(1);
  });

  it("k8s selectors match pod template labels; PDBs, HPAs and the Service select existing workloads", () => {
    const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const workloads = [...deployments, ...ofKind("StatefulSet")];
    for (const w of workloads) {
      const selector = obj(obj(obj(w.spec).selector).matchLabels);
      const labels = obj(obj(obj(obj(w.spec).template).metadata).labels);
      expect(Object.keys(selector).length, name(w)).to.be.greaterThan(0);
      expect(labels, `${name(w)}: pod template labels against the selector`).to.include(selector);
    }
    const templateLabels = deployments.map((d) => obj(obj(obj(obj(d.spec).template).metadata).labels));
    for (const pdb of ofKind("PodDisruptionBudget")) {
      const sel = obj(obj(obj(pdb.spec).selector).matchLabels);
      const hits = templateLabels.filter((l) => matches(sel, l));
      expect(hits, `PDB ${name(pdb)}`).to.have.length(1);
    }
    for (const hpa of [...ofKind("HorizontalPodAutoscaler")]) {
      const target = obj(obj(hpa.spec).scaleTargetRef);
      expect(deployments.map(name), `HPA ${name(hpa)}`).to.include(String(target.name));
    }
    for (const svc of ofKind("Service")) {
      const sel = obj(obj(svc.spec).selector);
      const podLabels = workloads.map((w) => obj(obj(obj(obj(w.spec).template).metadata).labels));
      expect(
        podLabels.filter((l) => matches(sel, l)),
        `Service ${name(svc)}: workloads selected by ${JSON.stringify(sel)}`,
      ).to.not.be.empty;
    }
    const keda = optionalDocs.find((d) => d.kind === "ScaledObject")!;
    expect(deployments.map(name)).to.include(String(obj(obj(keda.spec).scaleTargetRef).name));
    const trigger = arr(obj(keda.spec).triggers).map(obj)[0];
    expect(trigger.type).to.equal("redis-streams");
    expect(obj(trigger.metadata)).to.include({ stream: DEFAULT_RAW_STREAM, consumerGroup: DIAGNOSIS_GROUP });
  });

  it("every Deployment sets NODE_ID from the pod name, resources, and a grace period", () => {
    expect(deployments.map(name).sort()).to.deep.equal(["api", "diagnosis", "monitor", ...WORKER_UNITS].sort());
    for (const d of deployments) {
      const c = vtoxContainers(d)[0];
      const nodeId = envList(c).find((e) => e.name === "NODE_ID");
      expect(obj(obj(nodeId?.valueFrom).fieldRef).fieldPath, name(d)).to.equal("metadata.name");
      const res = obj(c.resources);
      expect(Object.keys(obj(res.requests)), name(d)).to.include.members(["cpu", "memory"]);
      expect(Object.keys(obj(res.limits)), name(d)).to.include.members(["cpu", "memory"]);
      expect(podSpec(d).terminationGracePeriodSeconds, name(d)).to.be.at.least(15);
    }
  });

  it("k8s renders exactly the expected set of objects, all in namespace vtox", () => {
    const ids = k8sDocs.map((d) => `${String(d.kind)}/${name(d)}`).sort();
    expect(ids).to.deep.equal(
      [
        "Namespace/vtox",
        "ConfigMap/vtox-config",
        "Service/api",
        "Service/redis",
        "StatefulSet/redis",
        ...ALL_UNITS.map((u) => `Deployment/${u}`),
        ...["api", "diagnosis", ...WORKER_UNITS].map((u) => `PodDisruptionBudget/${u}`),
        ...WORKER_UNITS.map((u) => `HorizontalPodAutoscaler/${u}`),
      ].sort(),
    );
    for (const d of k8sDocs) {
      if (d.kind === "Namespace") expect(obj(d.metadata).namespace, name(d)).to.equal(undefined);
      else expect(obj(d.metadata).namespace, `${String(d.kind)}/${name(d)}`).to.equal("vtox");
    }
  });

  it("each service unit has exactly one Deployment, named after it, that runs only that unit", () => {
    for (const unit of ALL_UNITS) {
      const running = deployments.filter((d) => vtoxContainers(d).some((c) => envValue(c, "SERVICES") === unit));
      expect(running.map(name), `SERVICES=${unit}`).to.deep.equal([unit]);
      const d = running[0];
      expect(vtoxContainers(d).map((c) => c.name)).to.deep.equal([unit]);
      const component = { "app.kubernetes.io/name": "vtox", "app.kubernetes.io/component": unit };
      expect(obj(d.metadata).labels, unit).to.deep.equal(component);
      expect(obj(obj(d.spec).selector).matchLabels, unit).to.deep.equal(component);
      expect(obj(obj(obj(d.spec).template).metadata).labels, unit).to.deep.equal(component);
      expect(parseServiceUnits(String(envValue(vtoxContainers(d)[0], "SERVICES")))).to.deep.equal([unit]);
    }
  });

  it("the rendered Deployments are, field for field, the ones the flat deployment-*.yaml files specified", () => {
    for (const unit of ALL_UNITS) {
      expect(
        deployments.find((d) => name(d) === unit),
        unit,
      ).to.deep.equal(expectedDeployment(unit));
    }
  });

  it("the renderer agrees with `kubectl kustomize k8s/` (only where kubectl is installed)", function () {
    let out: string;
    try {
      out = execFileSync("kubectl", ["kustomize", path.join(root, "k8s")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return this.skip();
      throw e;
    }
    const key = (d: Obj) => `${String(d.kind)}/${text(obj(d.metadata).namespace)}/${name(d)}`;
    const byKey = (docs: Obj[]) => Object.fromEntries(docs.map((d) => [key(d), d]));
    const kubectlDocs = parseAllDocuments(out).map((d) => obj(d.toJS()));
    expect(byKey(k8sDocs)).to.deep.equal(byKey(kubectlDocs));
  });
});
