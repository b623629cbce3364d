/** runDiagnose in-process with an in-memory file system: argument handling, input kinds, exit codes. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { encodeCompact, encodeLegacyRows } from "../../../ingest/sensor-data";
import { FAULT_TYPES, type Finding, type SensorWindow } from "../../../analyzers/types";
import { runDiagnose } from "../../../cli/diagnose";
import { REPO_ROOT } from "../../helpers/realdata-dir";

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

function run(files: Record<string, string>, argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runDiagnose(argv, {
    readText: (p) => {
      if (p === "dir") throw errno("EISDIR");
      if (p === "secret") throw errno("EACCES");
      if (!(p in files)) throw errno("ENOENT");
      return files[p];
    },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

const example = readFileSync(path.join(REPO_ROOT, "examples", "window.json"), "utf8");
const pmsm = readFileSync(path.join(REPO_ROOT, "examples", "profile-pmsm.json"), "utf8");
const window: SensorWindow = {
  channels: { ia: { samples: new Float32Array([1, 2, 3, 4]), rateHz: 1000 }, ib: { samples: new Float32Array([1, 2, 3, 4]), rateHz: 1000 } },
  rpm: 1500,
};

describe("cli/diagnose: runDiagnose", () => {
  const good: { name: string; files: Record<string, string>; argv: string[] }[] = [
    { name: "columnar ingest body with a profile", files: { w: example, p: pmsm }, argv: ["w", "--profile", "p", "--json"] },
    { name: "compact ingest body", files: { w: JSON.stringify({ sensor_data: encodeCompact(window), metadata: {} }) }, argv: ["w", "--json"] },
    { name: "legacy rows ingest body", files: { w: JSON.stringify({ sensor_data: encodeLegacyRows(window, { chinese: true }) }) }, argv: ["--json", "w"] },
    { name: "bare sensor_data", files: { w: JSON.stringify(encodeCompact(window)) }, argv: ["w", "--json"] },
    { name: "CSV with a BOM", files: { w: "\uFEFFtime,Ia\n0,1\n0.001,2\n0.002,3\n" }, argv: ["w", "--json"] },
  ];
  for (const c of good) {
    it(`${c.name}: exit 0, {"findings": [5]}`, () => {
      const r = run(c.files, c.argv);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal("");
      const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
      expect(findings.map((f) => f.fault_type)).to.have.members([...FAULT_TYPES]);
    });
  }

  it("without --profile and without a realdata rig, the table says the default profile was used", () => {
    const r = run({ w: example }, ["w"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^profile: pmsm, 4 pole pairs, 4000 rpm rated — default \(no --profile given\)$/m);
    expect(r.stdout).to.match(/^input: {3}w — ingest body \(columnar\)$/m);
  });

  it("--help prints usage and exits 0", () => {
    expect(run({}, ["--help"])).to.deep.include({ code: 0, stderr: "" });
  });

  const bad: { name: string; files: Record<string, string>; argv: string[]; stderr: RegExp }[] = [
    { name: "missing file", files: {}, argv: ["w"], stderr: /cannot read input file w: no such file/ },
    { name: "a directory", files: {}, argv: ["dir"], stderr: /cannot read input file dir: is a directory/ },
    { name: "unreadable file", files: {}, argv: ["secret"], stderr: /permission denied/ },
    { name: "broken JSON", files: { w: '{"sensor_data": ' }, argv: ["w"], stderr: /bad input file w: file: not valid JSON/ },
    { name: "JSON of no known kind", files: { w: '{"x": 1}' }, argv: ["w"], stderr: /neither a motor-realdata\/v1 recording nor an ingest body/ },
    { name: "JSON array", files: { w: "[1,2]" }, argv: ["w"], stderr: /bad input file w: file: JSON that is neither/ },
    {
      name: "ingest body with an unknown key",
      files: { w: JSON.stringify({ sensor_data: encodeCompact(window), extra: 1 }) },
      argv: ["w"],
      stderr: /w: extra: unknown key/,
    },
    {
      name: "ingest body with a bad sample",
      files: { w: '{"sensor_data": {"sampling_rate": 100, "channels": {"ia": [1, null]}}}' },
      argv: ["w"],
      stderr: /sensor_data\.channels\.ia\[1\]: expected a finite number, got null/,
    },
    {
      name: "realdata with a wrong rig",
      files: { w: JSON.stringify({ schema: "motor-realdata/v1", id: "x", fs_hz: 1000, label: {}, operating_point: {}, dataset: "?", data: { DE: [1] } }) },
      argv: ["w"],
      stderr: /w: dataset: /,
    },
    { name: "CSV with an unknown column", files: { w: "time,Ia,foo\n0,1,2\n" }, argv: ["w"], stderr: /csv\.line\[1\]\.foo: unknown column/ },
    { name: "empty file", files: { w: "" }, argv: ["w"], stderr: /csv: empty file/ },
    {
      name: "bad profile values",
      files: { w: example, p: JSON.stringify({ motor_type: "pmsm", pole_pairs: 40 }) },
      argv: ["w", "--profile", "p"],
      stderr: /bad profile p: profile\.pole_pairs: 40 is out of range/,
    },
    {
      name: "profile with an unknown key",
      files: { w: example, p: pmsm.replace('"pole_pairs"', '"poles": 4, "pole_pairs"') },
      argv: ["w", "--profile", "p"],
      stderr: /profile\.poles: unknown key/,
    },
    { name: "profile not JSON", files: { w: example, p: "pole_pairs=4" }, argv: ["w", "--profile", "p"], stderr: /bad profile p: profile: not valid JSON/ },
    { name: "missing profile file", files: { w: example }, argv: ["w", "--profile", "p"], stderr: /cannot read profile p: no such file/ },
    { name: "no FILE", files: {}, argv: [], stderr: /expected exactly one FILE\nusage:/ },
    { name: "two FILEs", files: { w: example }, argv: ["w", "w"], stderr: /expected exactly one FILE/ },
    { name: "unknown option", files: { w: example }, argv: ["w", "--frobnicate"], stderr: /Unknown option '--frobnicate'/ },
    { name: "--profile without a value", files: { w: example }, argv: ["w", "--profile"], stderr: /--profile/ },
  ];
  for (const c of bad) {
    it(`exit 2 with the problem named on stderr: ${c.name}`, () => {
      const r = run(
        c.files,
        [...c.argv, "--json"].filter((a, i, all) => !(a === "--json" && all[i - 1] === "--profile")),
      );
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(/^diagnose: /);
      expect(r.stderr).to.match(c.stderr);
    });
  }
});
