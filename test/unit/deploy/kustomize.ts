/**
 * A small, strict renderer for the subset of kustomize that k8s/ uses, so the tests can check what
 * `kubectl apply -k k8s/` would apply without a kubectl or kustomize binary on the machine.
 *
 * Implemented (and nothing else: any other kustomization field, patch form or selector throws):
 *   - apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization
 *   - resources: YAML files (one or more documents) and directories holding a kustomization.yaml, rendered
 *     recursively, in order; two objects with the same kind/namespace/name are an error, as in kustomize
 *   - patches: RFC 6902 JSON patches only (a YAML or JSON list of add/remove/replace/move/copy/test operations),
 *     given inline (`patch:`) or as a file (`path:`), applied to the objects selected by `target:` (kind and/or
 *     name, literal values only; kustomize reads them as anchored regular expressions, so only plain names are
 *     accepted here); a target that selects nothing is an error (kustomize would skip it silently)
 *   - namespace: set on every namespaced object (Namespace itself is cluster-scoped and left alone); kinds this
 *     renderer does not know the scope of are an error
 *   - images: name + newTag and/or newName, applied to containers and initContainers of pod templates
 * Transformers run in kustomize's order within one kustomization: patches, then namespace, then images.
 */
import fs from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";

export type KObj = Record<string, unknown>;

const KUSTOMIZATION_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "patches", "images"]);
const PATCH_KEYS = new Set(["patch", "path", "target"]);
const TARGET_KEYS = new Set(["kind", "name"]);
const IMAGE_KEYS = new Set(["name", "newName", "newTag"]);
const NAMESPACED = new Set([
  "ConfigMap",
  "Secret",
  "Service",
  "Deployment",
  "StatefulSet",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
  "Ingress",
  "ScaledObject",
]);
const CLUSTER_SCOPED = new Set(["Namespace"]);
const POD_TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet"]);
const LITERAL = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

class KustomizeError extends Error {}
const fail = (where: string, msg: string): never => {
  throw new KustomizeError(`${where}: ${msg}`);
};
const isObj = (x: unknown): x is KObj => x != null && typeof x === "object" && !Array.isArray(x);
const clone = <T>(x: T): T => structuredClone(x);

/** Render the kustomization in `dir` to its list of objects. */
export function renderKustomization(dir: string): KObj[] {
  const file = path.join(dir, "kustomization.yaml");
  if (!fs.existsSync(file)) fail(dir, "no kustomization.yaml (kustomization.yml and Kustomization are not supported)");
  const k = parse(fs.readFileSync(file, "utf8")) as unknown;
  if (!isObj(k)) return fail(file, "not a mapping");
  for (const key of Object.keys(k)) if (!KUSTOMIZATION_KEYS.has(key)) fail(file, `field '${key}' is not implemented by this renderer`);
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1") fail(file, `apiVersion ${String(k.apiVersion)}`);
  if (k.kind !== "Kustomization") fail(file, `kind ${String(k.kind)}`);

  // resources
  let objects: KObj[] = [];
  for (const r of list(k.resources, file, "resources")) {
    if (typeof r !== "string") return fail(file, "a resource must be a path");
    if (/^[a-z]+:\/\//.test(r) || r.includes("?ref=")) fail(file, `remote resource ${r} is not supported`);
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) fail(file, `resource ${r} does not exist`);
    objects.push(...(fs.statSync(p).isDirectory() ? renderKustomization(p) : readDocuments(p)));
  }
  assertUnique(objects, file);

  // patches
  for (const [i, entry] of list(k.patches, file, "patches").entries()) {
    const where = `${file} patches[${i}]`;
    if (!isObj(entry)) return fail(where, "not a mapping");
    for (const key of Object.keys(entry)) if (!PATCH_KEYS.has(key)) fail(where, `field '${key}' is not implemented`);
    if ((entry.patch === undefined) === (entry.path === undefined)) fail(where, "give exactly one of patch and path");
    const text = typeof entry.patch === "string" ? entry.patch : fs.readFileSync(path.resolve(dir, String(entry.path)), "utf8");
    const ops = parse(text) as unknown;
    if (!Array.isArray(ops)) fail(where, "only RFC 6902 JSON patches (a list of operations) are supported, not strategic merge");
    const target = entry.target;
    if (!isObj(target)) return fail(where, "a target is required");
    for (const key of Object.keys(target)) if (!TARGET_KEYS.has(key)) fail(where, `target field '${key}' is not implemented`);
    for (const v of Object.values(target)) if (typeof v !== "string" || !LITERAL.test(v)) fail(where, `target value ${String(v)} is not a plain name`);
    const selected = objects.filter(
      (o) => (target.kind === undefined || o.kind === target.kind) && (target.name === undefined || meta(o).name === target.name),
    );
    if (selected.length === 0) fail(where, `target ${JSON.stringify(target)} selects nothing`);
    objects = objects.map((o) => (selected.includes(o) ? applyJsonPatch(o, ops as unknown[], where) : o));
  }
  assertUnique(objects, file);

  // namespace
  if (k.namespace !== undefined) {
    if (typeof k.namespace !== "string" || !LITERAL.test(k.namespace)) fail(file, "namespace must be a plain name");
    for (const o of objects) {
      const kind = String(o.kind);
      if (CLUSTER_SCOPED.has(kind)) continue;
      if (!NAMESPACED.has(kind)) fail(file, `namespace: the scope of kind ${kind} is not known to this renderer`);
      (o.metadata as KObj).namespace = k.namespace;
    }
  }

  // images
  for (const [i, img] of list(k.images, file, "images").entries()) {
    const where = `${file} images[${i}]`;
    if (!isObj(img)) return fail(where, "not a mapping");
    for (const key of Object.keys(img)) if (!IMAGE_KEYS.has(key)) fail(where, `field '${key}' is not implemented`);
    if (typeof img.name !== "string") fail(where, "name is required");
    for (const o of objects) {
      if (!POD_TEMPLATE_KINDS.has(String(o.kind))) continue;
      const pod = (((o.spec as KObj | undefined)?.template as KObj | undefined)?.spec ?? {}) as KObj;
      for (const field of ["containers", "initContainers"]) {
        for (const c of (pod[field] as KObj[] | undefined) ?? []) {
          const { name, tag } = splitImage(String(c.image));
          if (name !== img.name) continue;
          const newName = typeof img.newName === "string" ? img.newName : name;
          const newTag = typeof img.newTag === "string" || typeof img.newTag === "number" ? String(img.newTag) : tag;
          c.image = `${newName}${newTag !== undefined ? ":" + newTag : ""}`;
        }
      }
    }
  }
  return objects;
}

function list(x: unknown, file: string, field: string): unknown[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) return fail(file, `${field} must be a list`);
  return x;
}

function meta(o: KObj): KObj {
  return isObj(o.metadata) ? o.metadata : {};
}

function readDocuments(file: string): KObj[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8")).flatMap((d) => {
    if (d.errors.length > 0) fail(file, d.errors[0].message);
    const o = d.toJS() as unknown;
    if (o === null || o === undefined) return [];
    if (!isObj(o) || typeof o.kind !== "string" || typeof meta(o).name !== "string") return fail(file, "a document without kind or metadata.name");
    return [o];
  });
}

function assertUnique(objects: KObj[], file: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const ns = meta(o).namespace;
    const id = `${String(o.kind)}/${typeof ns === "string" ? ns : ""}/${String(meta(o).name)}`;
    if (seen.has(id)) fail(file, `two objects with id ${id}`);
    seen.add(id);
  }
}

/** "repo/name:tag" → name and tag; digests are not supported. */
function splitImage(image: string): { name: string; tag?: string } {
  if (image.includes("@")) return fail(image, "image digests are not supported");
  const m = /^(.*?)(?::([^/:]+))?$/.exec(image)!;
  return { name: m[1], tag: m[2] };
}

// ---- RFC 6902 ------------------------------------------------------------------------------------------------------

/** Apply an RFC 6902 JSON patch to a copy of `doc`; throws on any malformed or failing operation. */
export function applyJsonPatch(doc: KObj, ops: unknown[], where = "patch"): KObj {
  let out: unknown = clone(doc);
  for (const [i, raw] of ops.entries()) {
    const at = `${where} op ${i}`;
    if (!isObj(raw)) return fail(at, "not a mapping");
    const op = raw.op;
    if (!["add", "remove", "replace", "move", "copy", "test"].includes(String(op))) fail(at, `unknown op ${String(op)}`);
    const allowed = new Set([
      "op",
      "path",
      ...(op === "move" || op === "copy" ? ["from"] : []),
      ...(["add", "replace", "test"].includes(String(op)) ? ["value"] : []),
    ]);
    for (const key of Object.keys(raw)) if (!allowed.has(key)) fail(at, `unexpected member '${key}' for op ${String(op)}`);
    if (typeof raw.path !== "string") fail(at, "path must be a string");
    const p = pointer(raw.path as string, at);
    switch (op) {
      case "add":
        if (!("value" in raw)) fail(at, "add needs a value");
        out = add(out, p, clone(raw.value), at);
        break;
      case "remove":
        out = remove(out, p, at).doc;
        break;
      case "replace":
        if (!("value" in raw)) fail(at, "replace needs a value");
        out = add(remove(out, p, at).doc, p, clone(raw.value), at);
        break;
      case "move": {
        const from = pointer(String(raw.from), at);
        if (from.length < p.length && from.every((t, j) => t === p[j])) fail(at, "cannot move a value into itself");
        const r = remove(out, from, at);
        out = add(r.doc, p, r.value, at);
        break;
      }
      case "copy":
        out = add(out, p, clone(get(out, pointer(String(raw.from), at), at)), at);
        break;
      case "test":
        if (!("value" in raw)) fail(at, "test needs a value");
        if (!deepEqual(get(out, p, at), raw.value))
          fail(at, `test failed at ${String(raw.path)}: ${JSON.stringify(get(out, p, at))} is not ${JSON.stringify(raw.value)}`);
        break;
      default:
        fail(at, `unknown op ${String(op)}`);
    }
  }
  if (!isObj(out)) return fail(where, "a patch must leave an object");
  return out;
}

function pointer(s: string, at: string): string[] {
  if (s === "") return [];
  if (!s.startsWith("/")) fail(at, `JSON pointer ${s} must start with /`);
  return s
    .slice(1)
    .split("/")
    .map((t) => {
      if (/~[^01]|~$/.test(t)) fail(at, `bad escape in ${s}`);
      return t.replace(/~1/g, "/").replace(/~0/g, "~");
    });
}

function arrayIndex(a: unknown[], token: string, at: string, forAdd: boolean): number {
  if (forAdd && token === "-") return a.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(at, `bad array index ${token}`);
  const i = Number(token);
  if (i > a.length || (!forAdd && i === a.length)) fail(at, `array index ${token} out of range (length ${a.length})`);
  return i;
}

function get(doc: unknown, p: string[], at: string): unknown {
  let cur = doc;
  for (const t of p) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, at, false)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else fail(at, `path /${p.join("/")} does not exist`);
  }
  return cur;
}

function add(doc: unknown, p: string[], value: unknown, at: string): unknown {
  if (p.length === 0) return value;
  const parent = get(doc, p.slice(0, -1), at);
  const last = p[p.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, at, true), 0, value);
  else if (isObj(parent)) parent[last] = value;
  else fail(at, `parent of /${p.join("/")} is not a container`);
  return doc;
}

function remove(doc: unknown, p: string[], at: string): { doc: unknown; value: unknown } {
  if (p.length === 0) return { doc: undefined, value: doc };
  const parent = get(doc, p.slice(0, -1), at);
  const last = p[p.length - 1];
  let value: unknown;
  if (Array.isArray(parent)) value = parent.splice(arrayIndex(parent, last, at, false), 1)[0];
  else if (isObj(parent) && Object.prototype.hasOwnProperty.call(parent, last)) {
    value = parent[last];
    delete parent[last];
  } else fail(at, `path /${p.join("/")} does not exist`);
  return { doc, value };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
