/** Strict command lines of the scripts (cli/args.ts): unknown flags are an error (exit 2), `--json [FILE]`. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { optionalValue } from "../../../cli/args";

const REPO_ROOT = path.resolve(__dirname, "../../..");

describe("cli/args", () => {
  it("optionalValue: a bare --json (last, or before another flag) gets the fallback; a given value stays", () => {
    expect(optionalValue(["--json"], "json", "-")).to.deep.equal(["--json=-"]);
    expect(optionalValue(["--json", "--quick"], "json", "-")).to.deep.equal(["--json=-", "--quick"]);
    expect(optionalValue(["--json", "out.json", "--quick"], "json", "-")).to.deep.equal(["--json", "out.json", "--quick"]);
    expect(optionalValue(["--quick"], "json", "-")).to.deep.equal(["--quick"]);
  });

  for (const [script, command] of [
    ["tools/chaos.ts", "chaos"],
    ["tools/eval-accuracy.ts", "eval-accuracy"],
    ["bin/keys.ts", "keys"],
  ] as const) {
    it(`${script}: an unknown flag exits 2 with the reason and the usage`, function () {
      this.timeout(30_000);
      const r = spawnSync(process.execPath, ["--import", "tsx", script, "--no-such-flag"], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^${command}: Unknown option '--no-such-flag'`));
      expect(r.stderr).to.match(/\nusage: /);
    });
  }
});
