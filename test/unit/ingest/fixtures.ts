/** Small valid inputs of each shape, built fresh per test so that a case can mutate its own copy. */
import { encodeCompact, encodeLegacyRows } from "../../../ingest/sensor-data";
import type { SensorWindow } from "../../../analyzers/types";

export const RATE_HZ = 1024;
export const N = 64;

/** 3 phase currents at 50 Hz (10 A), one voltage, vibration, all scalars. */
export function sampleWindow(): SensorWindow {
  const ia = new Float64Array(N),
    ib = new Float64Array(N),
    ic = new Float64Array(N),
    va = new Float64Array(N),
    vib = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const w = 2 * Math.PI * 50 * (i / RATE_HZ);
    ia[i] = 10 * Math.cos(w);
    ib[i] = 10 * Math.cos(w - (2 * Math.PI) / 3);
    ic[i] = 10 * Math.cos(w + (2 * Math.PI) / 3);
    va[i] = 180 * Math.cos(w + 0.3);
    vib[i] = 0.01 * Math.sin(2 * Math.PI * 25 * (i / RATE_HZ));
  }
  return {
    startTime: "2026-01-15T08:30:00.000Z",
    channels: {
      ia: { samples: ia, rateHz: RATE_HZ },
      ib: { samples: ib, rateHz: RATE_HZ },
      ic: { samples: ic, rateHz: RATE_HZ },
      va: { samples: va, rateHz: RATE_HZ },
      vib_x: { samples: vib, rateHz: RATE_HZ },
    },
    rpm: 1480,
    loadPct: 75,
    windingTempC: 68,
    insulationResistanceKohm: 850,
    leakageCurrentMa: 0.4,
    dcBusV: 400,
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Columnar sensor_data as it arrives over HTTP (plain JSON values). */
export function columnar(): { [key: string]: Json } & { channels: { [key: string]: Json[] } } {
  const w = sampleWindow();
  const channels: { [key: string]: Json[] } = {};
  for (const [name, s] of Object.entries(w.channels)) channels[name] = Array.from(s.samples);
  return {
    sampling_rate: RATE_HZ,
    start_time: w.startTime!,
    channels,
    rpm: 1480,
    load_pct: 75,
    winding_temp_c: 68,
    insulation_resistance_kohm: 850,
    leakage_current_ma: 0.4,
    dc_bus_v: 400,
  };
}

export function compact(): { [key: string]: Json } & { channels: { [key: string]: string } } {
  return JSON.parse(JSON.stringify(encodeCompact(sampleWindow()))) as ReturnType<typeof compact>;
}

export function legacy(chinese = false): { data: { [key: string]: Json }[]; sampling_rate?: Json; [key: string]: Json | undefined } {
  return JSON.parse(JSON.stringify(encodeLegacyRows(sampleWindow(), { chinese }))) as ReturnType<typeof legacy>;
}

/** Float32 little-endian base64 of the given values (to plant NaN/Infinity bit patterns). */
export function f32Base64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}
