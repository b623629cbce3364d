/**
 * Redis is bounded in bytes where it is deployed: maxmemory with noeviction in docker-compose.yml and in the k8s
 * StatefulSet (as `kubectl apply -k k8s/` renders it), with the container's memory limit leaving room above it
 * for fragmentation and the AOF rewrite's copy-on-write.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { renderKustomization } from "./kustomize";

const root = path.resolve(__dirname, "../../..");
type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x != null && typeof x === "object" ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function bytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(gb|mb|gi|mi|g|m)?$/i.exec(size.trim());
  if (!m) throw new Error(`not a size: ${size}`);
  const unit = (m[2] ?? "").toLowerCase();
  const mult = unit.startsWith("g") ? 1024 ** 3 : unit.startsWith("m") ? 1024 ** 2 : 1;
  return Number(m[1]) * mult;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

describe("deploy: Redis has maxmemory with noeviction", () => {
  it("docker-compose.yml: maxmemory (default 3gb, REDIS_MAXMEMORY) and noeviction", () => {
    const compose = obj(parse(fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8"), { merge: true }));
    const cmd = arr(obj(obj(compose.services).redis).command).map(String);
    expect(flag(cmd, "--maxmemory-policy")).to.equal("noeviction");
    expect(flag(cmd, "--maxmemory")).to.equal("${REDIS_MAXMEMORY:-3gb}");
  });

  it("k8s: maxmemory and noeviction in the Redis args, and a memory limit ≥ 1.6 × maxmemory", () => {
    const sts = renderKustomization(path.join(root, "k8s")).find((d) => d.kind === "StatefulSet" && obj(d.metadata).name === "redis");
    const container = arr(obj(obj(obj(obj(sts).spec).template).spec).containers).map(obj)[0];
    const args = arr(container.args).map(String);
    expect(flag(args, "--maxmemory-policy")).to.equal("noeviction");
    const max = bytes(flag(args, "--maxmemory") ?? "0");
    expect(max).to.be.greaterThan(0);
    const resources = obj(container.resources);
    const limit = bytes(String(obj(resources.limits).memory));
    const request = bytes(String(obj(resources.requests).memory));
    expect(limit).to.be.at.least(1.6 * max);
    expect(request, "the scheduler reserves at least maxmemory").to.be.at.least(max);
  });
});
