/**
 * Writes examples/window.json: a columnar ingest body of a healthy PMSM (profile-pmsm.json:
 * 4 pole pairs) at 1500 rpm, half load — 0.25 s at 4096 Hz of 3 phase currents, 3 phase voltages
 * and drive-end vibration. Deterministic (seeded noise) so the file can be regenerated exactly:
 *   npx tsx examples/make-example-window.ts
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { round } from "../pipeline/round";
import { gaussianFrom, mulberry32 } from "../simulator/prng";

const RATE_HZ = 4096;
const N = 1024; // 0.25 s
const RPM = 1500;
const POLE_PAIRS = 4;
const F_E = (RPM / 60) * POLE_PAIRS; // 100 Hz electrical
const F_R = RPM / 60; // 25 Hz shaft
const I_PEAK_A = 40; // half of the 80 A rating
const V_PEAK_V = 180;
const POWER_FACTOR_ANGLE = (25 * Math.PI) / 180;

export interface ExampleBody {
  sensor_data: {
    sampling_rate: number;
    start_time: string;
    channels: Record<"ia" | "ib" | "ic" | "va" | "vb" | "vc" | "vib_x", number[]>;
    rpm: number;
    load_pct: number;
    winding_temp_c: number;
    insulation_resistance_kohm: number;
    leakage_current_ma: number;
    dc_bus_v: number;
  };
  metadata: Record<string, string>;
}

export function buildExampleBody(): ExampleBody {
  const normal = gaussianFrom(mulberry32(20240611));
  const phases = [0, (-2 * Math.PI) / 3, (2 * Math.PI) / 3];
  const currents: number[][] = [[], [], []];
  const voltages: number[][] = [[], [], []];
  const vibration: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = i / RATE_HZ;
    const w = 2 * Math.PI * F_E * t;
    phases.forEach((phi, k) => {
      // Fundamental plus the 5th and 7th harmonics an inverter-fed machine shows at a few %.
      const current = I_PEAK_A * (Math.cos(w + phi - POWER_FACTOR_ANGLE) + 0.02 * Math.cos(5 * (w + phi)) + 0.01 * Math.cos(7 * (w + phi)));
      currents[k].push(round(current + 0.15 * normal(), 2));
      voltages[k].push(round(V_PEAK_V * Math.cos(w + phi) + 0.5 * normal(), 1));
    });
    // Residual unbalance at 1× shaft speed, magnetic 2f, and broadband noise, in g.
    const vib = 0.02 * Math.cos(2 * Math.PI * F_R * t + 0.3) + 0.008 * Math.cos(2 * Math.PI * 2 * F_E * t) + 0.004 * normal();
    vibration.push(round(vib, 4));
  }
  return {
    sensor_data: {
      sampling_rate: RATE_HZ,
      start_time: "2026-01-15T08:30:00.000Z",
      channels: { ia: currents[0], ib: currents[1], ic: currents[2], va: voltages[0], vb: voltages[1], vc: voltages[2], vib_x: vibration },
      rpm: RPM,
      load_pct: 50,
      winding_temp_c: 72,
      insulation_resistance_kohm: 5000,
      leakage_current_ma: 0.4,
      dc_bus_v: 400,
    },
    metadata: { source: "examples/make-example-window.ts", description: "healthy PMSM, 1500 rpm, 50 % load (synthetic)" },
  };
}

/** One channel per line keeps the file readable and diffable while staying compact. */
export function renderExampleBody(body: ExampleBody): string {
  const { channels, ...scalars } = body.sensor_data;
  const channelLines = Object.entries(channels).map(([name, values]) => `      ${JSON.stringify(name)}: ${JSON.stringify(values)}`);
  const scalarLines = Object.entries(scalars).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return [
    "{",
    '  "sensor_data": {',
    ...scalarLines,
    '    "channels": {',
    channelLines.join(",\n"),
    "    }",
    "  },",
    `  "metadata": ${JSON.stringify(body.metadata)}`,
    "}",
    "",
  ].join("\n");
}

if (require.main === module) {
  const target = path.join(__dirname, "window.json");
  writeFileSync(target, renderExampleBody(buildExampleBody()));
  process.stdout.write(`wrote ${target}\n`);
}
