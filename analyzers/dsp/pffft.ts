/**
 * PFFFT (WASM SIMD build of @echogarden/pffft-wasm 0.4.2) instantiated synchronously from the package's own .wasm
 * bytes at first use, so `analyze()` stays synchronous and nothing is fetched at run time. The package's JS glue
 * is asynchronous and minifies its export names; the names below belong to that exact build, pinned in
 * package.json, and a self-test against a known transform rejects any other build. null when it cannot load
 * (no WASM SIMD, missing package): callers fall back to fft.js.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PFFFT_REAL = 0;
const PFFFT_COMPLEX = 1;
const PFFFT_FORWARD = 0;
const PFFFT_BACKWARD = 1;

/** The slice of the WebAssembly API used here (the project's lib setting carries no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The exports of the 0.4.2 SIMD build (names as minified by emscripten; see dist/simd/pffft.js). */
interface PffftExports {
  d: WasmMemory;
  /** __wasm_call_ctors */
  e: () => void;
  /** pffft_aligned_malloc(bytes) */
  f: (bytes: number) => number;
  /** pffft_simd_size() */
  j: () => number;
  /** pffft_new_setup(n, transform) */
  k: (n: number, transform: number) => number;
  /** pffft_transform_ordered(setup, input, output, work, direction) */
  p: (setup: number, input: number, output: number, work: number, direction: number) => void;
}

/** One transform size: the setup and its aligned input, output and work buffers inside WASM memory. */
export interface PffftPlan {
  readonly size: number;
  readonly complex: boolean;
  /** Views over WASM memory (refreshed if the memory grows); input and output hold `size` reals or 2·`size` floats. */
  input(): Float32Array;
  output(): Float32Array;
  /** Runs the ordered transform from input() to output(). */
  run(inverse: boolean): void;
}

export interface Pffft {
  /** Smallest size PFFFT accepts: real transforms need multiples of 32 with SIMD, complex ones of 16. */
  readonly minRealSize: number;
  readonly minComplexSize: number;
  plan(size: number, complex: boolean): PffftPlan;
}

function instantiate(): Pffft {
  const wasmPath = join(dirname(require.resolve("@echogarden/pffft-wasm/simd")), "pffft.wasm");
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const module = new wasm.Module(readFileSync(wasmPath));
  // The module exports its own memory; the imports below run only after instantiation has filled this in.
  const linked: { memory?: WasmMemory } = {};
  const imports = {
    a: {
      a: () => {
        throw new Error("pffft: assertion failed");
      },
      // emscripten_resize_heap: grow to the requested byte size (only plan creation allocates).
      b: (requested: number) => {
        const memory = linked.memory;
        if (!memory) return 0;
        const pages = Math.ceil((requested - memory.buffer.byteLength) / 65536);
        if (pages > 0) memory.grow(pages);
        return 1;
      },
      // _emscripten_memcpy_js
      c: (dest: number, src: number, n: number) => {
        if (linked.memory) new Uint8Array(linked.memory.buffer).copyWithin(dest, src, src + n);
      },
    },
  };
  const exports = new wasm.Instance(module, imports).exports as PffftExports;
  const mem = exports.d;
  linked.memory = mem;
  exports.e();
  const simd = exports.j();
  const plan = (size: number, complex: boolean): PffftPlan => {
    const floats = complex ? 2 * size : size;
    const setup = exports.k(size, complex ? PFFFT_COMPLEX : PFFFT_REAL);
    if (!setup) throw new RangeError(`pffft: no ${complex ? "complex" : "real"} setup for size ${size}`);
    const input = exports.f(4 * floats);
    const output = exports.f(4 * floats);
    const work = exports.f(4 * floats);
    let buffer = mem.buffer;
    let inView = new Float32Array(buffer, input, floats);
    let outView = new Float32Array(buffer, output, floats);
    const refresh = () => {
      if (mem.buffer === buffer) return;
      buffer = mem.buffer;
      inView = new Float32Array(buffer, input, floats);
      outView = new Float32Array(buffer, output, floats);
    };
    return {
      size,
      complex,
      input: () => (refresh(), inView),
      output: () => (refresh(), outView),
      run: (inverse) => exports.p(setup, input, output, work, inverse ? PFFFT_BACKWARD : PFFFT_FORWARD),
    };
  };
  return { minRealSize: 2 * 16 * (simd / 4 || 1), minComplexSize: 16 * (simd / 4 || 1), plan };
}

/** Real forward transform of a cosine at bin 3 of 64 points must put 32 at bin 3 and nothing elsewhere. */
function selfTest(pffft: Pffft): boolean {
  const n = 64;
  const plan = pffft.plan(n, false);
  const input = plan.input();
  for (let i = 0; i < n; i++) input[i] = Math.cos((2 * Math.PI * 3 * i) / n);
  plan.run(false);
  const out = plan.output();
  // Ordered real layout: [DC, Nyquist, re1, im1, re2, im2, ...].
  for (let i = 0; i < n; i++) {
    const expected = i === 6 ? n / 2 : 0;
    if (Math.abs(out[i] - expected) > 1e-4) return false;
  }
  return true;
}

let loaded: Pffft | null | undefined;

/** The WASM backend, or null when it cannot be loaded here (the reason is kept in `pffftUnavailable`). */
export function loadPffft(): Pffft | null {
  if (loaded !== undefined) return loaded;
  try {
    const candidate = instantiate();
    loaded = selfTest(candidate) ? candidate : null;
    if (!loaded) pffftUnavailable = "self-test failed: not the pinned 0.4.2 SIMD build";
  } catch (e) {
    loaded = null;
    pffftUnavailable = e instanceof Error ? e.message : String(e);
  }
  return loaded;
}

export let pffftUnavailable: string | null = null;
