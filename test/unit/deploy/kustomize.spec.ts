/**
 * The test renderer for k8s/ (./kustomize.ts): RFC 6902 semantics, and a loud failure on anything outside the
 * kustomize subset it implements, so that a kustomization it cannot render faithfully never passes silently.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyJsonPatch, renderKustomization } from "./kustomize";

const HEADER = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: unit
spec:
  template:
    spec:
      containers:
        - name: unit
          image: vtox:1.0
          env:
            - name: SERVICES
              value: unit
`;

describe("deploy: test renderer for the kustomize subset used by k8s/", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-kustomize-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  describe("RFC 6902", () => {
    const doc = { a: { b: [1, 2, 3], "x/y": "slash", "m~n": "tilde" } };
    it("add, remove, replace, move, copy and test, with escapes and '-'", () => {
      const out = applyJsonPatch(doc, [
        { op: "test", path: "/a/x~1y", value: "slash" },
        { op: "test", path: "/a/m~0n", value: "tilde" },
        { op: "add", path: "/a/b/1", value: 9 },
        { op: "add", path: "/a/b/-", value: 4 },
        { op: "remove", path: "/a/b/0" },
        { op: "replace", path: "/a/b/0", value: 8 },
        { op: "copy", from: "/a/b", path: "/c" },
        { op: "move", from: "/a/x~1y", path: "/d" },
        { op: "add", path: "/a/new", value: { k: 1 } },
      ]);
      expect(out).to.deep.equal({ a: { b: [8, 2, 3, 4], "m~n": "tilde", new: { k: 1 } }, c: [8, 2, 3, 4], d: "slash" });
      expect(doc.a.b, "the input is not modified").to.deep.equal([1, 2, 3]);
    });
    it("fails on a missing path, an out-of-range index, a failed test or an unknown op", () => {
      expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/a/zz", value: 1 }])).to.throw(/does not exist/);
      expect(() => applyJsonPatch(doc, [{ op: "add", path: "/q/r", value: 1 }])).to.throw(/does not exist/);
      expect(() => applyJsonPatch(doc, [{ op: "remove", path: "/a/b/3" }])).to.throw(/out of range/);
      expect(() => applyJsonPatch(doc, [{ op: "add", path: "/a/b/4", value: 1 }])).to.throw(/out of range/);
      expect(() => applyJsonPatch(doc, [{ op: "add", path: "/a/b/01", value: 1 }])).to.throw(/bad array index/);
      expect(() => applyJsonPatch(doc, [{ op: "test", path: "/a/b", value: [1, 2] }])).to.throw(/test failed/);
      expect(() => applyJsonPatch(doc, [{ op: "merge", path: "/a", value: 1 }])).to.throw(/unknown op/);
      expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/a", value: 1, extra: true }])).to.throw(/unexpected member/);
    });
  });

  describe("kustomizations", () => {
    it("renders a base through a directory resource, patches, namespace and images", () => {
      write("base/kustomization.yaml", HEADER + "resources:\n  - deployment.yaml\n");
      write("base/deployment.yaml", DEPLOYMENT);
      write(
        "unit-a/kustomization.yaml",
        HEADER +
          `resources:
  - ../base
patches:
  - target:
      kind: Deployment
      name: unit
    patch: |-
      - op: test
        path: /spec/template/spec/containers/0/env/0/name
        value: SERVICES
      - op: replace
        path: /spec/template/spec/containers/0/env/0/value
        value: a
      - op: replace
        path: /metadata/name
        value: a
`,
      );
      write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vtox\n");
      write("kustomization.yaml", HEADER + "namespace: vtox\nresources:\n  - ns.yaml\n  - unit-a\nimages:\n  - name: vtox\n    newTag: latest\n");
      const out = renderKustomization(dir);
      expect(out).to.have.length(2);
      expect(out[0]).to.deep.equal({ apiVersion: "v1", kind: "Namespace", metadata: { name: "vtox" } });
      expect(out[1]).to.deep.equal({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "a", namespace: "vtox" },
        spec: { template: { spec: { containers: [{ name: "unit", image: "vtox:latest", env: [{ name: "SERVICES", value: "a" }] }] } } },
      });
    });

    const rejects = (kustomization: string, message: RegExp) => {
      write("deployment.yaml", DEPLOYMENT);
      write("kustomization.yaml", HEADER + kustomization);
      expect(() => renderKustomization(dir)).to.throw(message);
    };
    it("rejects kustomize fields it does not implement", () => {
      rejects("resources:\n  - deployment.yaml\ncommonLabels:\n  a: b\n", /field 'commonLabels' is not implemented/);
      rejects("resources:\n  - deployment.yaml\nnameSuffix: -x\n", /field 'nameSuffix' is not implemented/);
      rejects("resources:\n  - deployment.yaml\npatchesJson6902: []\n", /field 'patchesJson6902' is not implemented/);
      rejects("resources:\n  - deployment.yaml\nimages:\n  - name: vtox\n    digest: sha256:00\n", /field 'digest' is not implemented/);
    });
    it("rejects strategic-merge patches, regex or label targets, and targets that select nothing", () => {
      const patch = (target: string, body: string) => `resources:\n  - deployment.yaml\npatches:\n  - target:\n${target}    patch: |-\n${body}`;
      const op = "      - op: replace\n        path: /metadata/name\n        value: x\n";
      rejects(patch("      kind: Deployment\n", "      metadata:\n        name: x\n"), /only RFC 6902/);
      rejects(patch("      kind: Deployment\n      name: un.*\n", op), /not a plain name/);
      rejects(patch("      labelSelector: a=b\n", op), /target field 'labelSelector' is not implemented/);
      rejects(patch("      kind: StatefulSet\n", op), /selects nothing/);
      rejects("resources:\n  - deployment.yaml\npatches:\n  - patch: |-\n" + op, /a target is required/);
    });
    it("rejects missing resources, duplicate objects and kinds of unknown scope", () => {
      rejects("resources:\n  - missing.yaml\n", /does not exist/);
      rejects("resources:\n  - deployment.yaml\n  - deployment.yaml\n", /two objects with id Deployment\/\/unit/);
      write("cr.yaml", "apiVersion: x/v1\nkind: Widget\nmetadata:\n  name: w\n");
      rejects("namespace: vtox\nresources:\n  - cr.yaml\n", /scope of kind Widget/);
      rejects("resources:\n  - https://example.invalid/k8s\n", /remote resource/);
    });
  });
});
