/**
 * The operator's dashboard in headless Chromium, used as a person would: the whole cluster in-process on the
 * Redis transporter (api + diagnosis + monitor on one broker, the five fault workers on another), real HTTP
 * ingest of simulated windows, live Socket.IO updates into the page, clicks and key presses on the page.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Server as IOServer } from "socket.io";
import { encodeCompact } from "../../ingest/sensor-data";
import { ApiKeyStore } from "../../stores/api-keys";
import { PMSM_400V, simulateWindow, type FaultSpec } from "../../simulator/index";
import { configuredService, makeBroker, REDIS_URL, uniqueName } from "../integration/helpers";
import { waitFor } from "../helpers/wait-for";
import { useRedisFixture } from "../helpers/redis-fixture";
import { CORE_UNITS } from "../../contracts/service-units";
import { WORKER_UNITS } from "../../contracts/families";
import { freePort } from "../../cli/free-port";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** One second of a 400 V PMSM at 3000 rpm, 70 % load, with voltages (the turn-fault analyzer compensates V2/V1). */
function sensorWindow(fault: FaultSpec, seed: number) {
  return encodeCompact(simulateWindow({ profile: PMSM_400V, rpm: 3000, loadPct: 70, durationS: 1, fault, seed, motorSeed: seed, includeVoltages: true }));
}

/** Vehicle, true condition, seed: two vehicles of fleet A (one with a severe inter-turn short), one of fleet B, one late. */
const WINDOWS: readonly [string, FaultSpec, number][] = [
  ["EV-A-OK", { type: "healthy", severity: 0 }, 11],
  ["EV-A-TURN", { type: "turn_fault", severity: 1 }, 12],
  ["EV-B-1", { type: "healthy", severity: 0 }, 13],
  ["EV-A-LATE", { type: "healthy", severity: 0 }, 14],
];

describe("dashboard (headless Chromium): live fleet view for an operator", function () {
  this.timeout(30_000);
  const tag = uniqueName("e2e");
  const consoleErrors: string[] = [];
  const shotDir = mkdtempSync(path.join(os.tmpdir(), "vtox-dashboard-"));
  let gateway: ServiceBroker | undefined;
  let workers: ServiceBroker | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let redis: Redis;
  let base: string;
  let viewerA: string;
  let ingestA: string;
  let ingestB: string;
  let viewerB: string;
  const bodies = new Map<string, string>();
  const fx = useRedisFixture("e2e", { prefix: tag });
  fx.beforeCleanup(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), workers?.stop()]);
  });

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    dashboard e2e skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
      this.skip();
    }
    const port = await freePort();
    const env = {
      REDIS_URL,
      VTOX_PREFIX: tag,
      RAW_STREAM: `${tag}:motor_raw_data`,
      RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
      PORT: String(port),
      HOST: "127.0.0.1",
    };
    // Simulate and encode the windows before the cluster runs, so that no long synchronous work stalls it later.
    for (const [vehicleId, fault, seed] of WINDOWS)
      bodies.set(vehicleId, JSON.stringify({ sensor_data: sensorWindow(fault, seed), metadata: { profile: PMSM_400V } }));
    base = `http://127.0.0.1:${port}`;
    redis = fx.redis;

    // This test is not about failure detection: on a busy shared machine (Chromium, simulation and analysis in one
    // process) a 2 s heartbeat timeout drops healthy in-process nodes.
    gateway = makeBroker(tag, "gateway", { heartbeatTimeout: 10 });
    workers = makeBroker(tag, "workers", { heartbeatTimeout: 10 });
    for (const unit of CORE_UNITS) gateway.createService(configuredService(unit, env));
    for (const unit of WORKER_UNITS) workers.createService(configuredService(unit, env));
    await Promise.all([workers.start(), gateway.start()]);
    await gateway.waitForServices(["fault.turn", "fault.insulation", "fault.bearing", "fault.eccentricity", "fault.broken-bar"], 10_000);

    const store = new ApiKeyStore(redis, tag);
    viewerA = (await store.create("fleetA", "viewer")).key;
    ingestA = (await store.create("fleetA", "ingest")).key;
    ingestB = (await store.create("fleetB", "ingest")).key;
    viewerB = (await store.create("fleetB", "viewer")).key;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  });

  async function ingest(key: string, vehicleId: string): Promise<string> {
    const res = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: bodies.get(vehicleId) ?? null,
    });
    expect(res.status, `ingest ${vehicleId}`).to.equal(202);
    return ((await res.json()) as { message_id: string }).message_id;
  }

  const row = (vehicleId: string) => page.locator(`#vehicles tr[data-vehicle="${vehicleId}"]`);
  const cellText = (vehicleId: string, column: number) => row(vehicleId).locator("td").nth(column).innerText();

  it("tells the operator plainly when the key is wrong, and keeps the key out of the URL", async () => {
    const p = await browser!.newPage();
    const errors: string[] = [];
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    p.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await p.goto(base);
    await p.getByLabel("API key").fill("vtox_0000000000000000_not-a-key");
    await p.getByRole("button", { name: "Connect" }).click();
    const alert = p.getByRole("alert");
    await alert.waitFor({ state: "visible", timeout: 5000 });
    expect(await alert.innerText()).to.match(/not accepted.*401/);
    expect(await p.locator("#conn").innerText()).to.equal("not connected");
    expect(p.url()).not.to.contain("not-a-key");
    expect(await p.evaluate("sessionStorage.length")).to.equal(0);
    // The only console error allowed is Chromium's own note about the refused request.
    for (const e of errors) expect(e).to.match(/status of 401/, e);
    await p.close();
  });

  it("shows fleet A's vehicles live with their status, never fleet B's, and a fault with its evidence on click", async () => {
    const navigations: string[] = [];
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await page.goto(base);
    await page.getByLabel("API key").fill(viewerA);
    await page.keyboard.press("Enter");
    await page.locator("#conn", { hasText: "live" }).waitFor({ timeout: 5000 });
    expect(await page.locator("#fleet").innerText()).to.equal("fleetA");
    expect(await page.locator("#vehicles tbody tr").count()).to.equal(0);
    expect(page.url()).not.to.contain(viewerA);
    expect(await page.evaluate('sessionStorage.getItem("vtox.apiKey")')).to.equal(viewerA);

    // Windows arrive while the page is open.
    const healthyId = await ingest(ingestA, "EV-A-OK");
    await ingest(ingestA, "EV-A-TURN");
    await ingest(ingestB, "EV-B-1");

    await row("EV-A-TURN").locator("td").nth(2).getByText("fault").waitFor({ timeout: 10_000 });
    await row("EV-A-OK").locator("td").nth(2).getByText("normal").waitFor({ timeout: 10_000 });
    expect(await cellText("EV-A-TURN", 3), "turn-fault column").to.equal("fault");
    expect(await cellText("EV-A-TURN", 7), "broken bar on a PMSM").to.equal("n/a");
    expect(await cellText("EV-A-OK", 3)).to.equal("normal");
    expect(Number((await cellText("EV-A-OK", 1)).replace(/\D/g, ""))).to.be.greaterThan(Number((await cellText("EV-A-TURN", 1)).replace(/\D/g, "")));
    expect(await page.locator("#summary").innerText()).to.match(/2 vehicles.*1 fault.*1 normal/);
    // The critical alert and the live event feed were filled by pushes, not by a reload.
    await page.locator("#alerts li", { hasText: "EV-A-TURN" }).waitFor({ timeout: 5000 });
    expect(await page.locator("#alerts li", { hasText: "EV-A-TURN" }).innerText()).to.match(/Turn fault/);
    expect(await page.locator("#events li", { hasText: "EV-A-OK diagnosed" }).count()).to.be.greaterThan(0);
    expect(navigations).to.have.length(1);

    // Fleet B's vehicle was diagnosed (visible to fleet B's key) but never reaches fleet A's page.
    await waitFor(
      async () => {
        const r = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-B-1/health`, { headers: { authorization: `Bearer ${viewerB}` } });
        return r.status === 200 ? true : undefined;
      },
      10_000,
      "fleet B's vehicle diagnosed",
    );
    await page.waitForTimeout(300); // the point: EV-B-1 is diagnosed, and 300 ms later fleet A's page still does not show it
    expect(await row("EV-B-1").count()).to.equal(0);
    expect(await page.locator("body").innerText()).not.to.contain("EV-B-1");

    // Clicking the faulty vehicle opens its five findings; the turn fault carries I2/I1 against its threshold.
    await row("EV-A-TURN").getByRole("button").click();
    const turn = page.locator('#findings article[data-family="turn_fault"]');
    await turn.waitFor({ timeout: 5000 });
    expect(await page.locator("#findings article").count()).to.equal(5);
    expect(await turn.locator(".pill").first().innerText()).to.equal("fault");
    expect(await turn.locator(".reason").innerText()).to.match(/I2\/I1 .*% → fault/);
    const ratio = turn.locator("table.evidence tr", { hasText: /^I2\/I1\s/ }).first();
    const [, level, threshold] = (await ratio.locator("td").allInnerTexts()).slice(1, 4);
    expect(parseFloat(level), "I2/I1 %").to.be.greaterThan(parseFloat(threshold));
    expect(threshold).to.match(/%$/);
    expect(await turn.locator("table.evidence td", { hasText: /\d Hz$/ }).count(), "a frequency in the evidence").to.be.greaterThan(0);
    expect(await page.locator("#history tbody tr").count()).to.be.greaterThan(0);
    expect(await page.locator("#history tbody tr").first().locator("td").nth(2).innerText()).to.equal("fault");
    await page.screenshot({ path: path.join(shotDir, "dashboard-fault.png"), fullPage: true });
    // The findings route the page reads is fleet-scoped like every vehicle route.
    const foreign = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-A-TURN/findings`, { headers: { authorization: `Bearer ${viewerB}` } });
    expect(foreign.status).to.equal(404);

    // Keyboard: focus the healthy vehicle and press Enter.
    await row("EV-A-OK").getByRole("button").focus();
    await page.keyboard.press("Enter");
    await page.locator("#detail-id", { hasText: "EV-A-OK" }).waitFor({ timeout: 2000 });
    await page.locator("#detail-summary", { hasText: healthyId }).waitFor({ timeout: 5000 });
    expect(await page.locator('#findings article[data-family="turn_fault"] .pill').first().innerText()).to.equal("normal");
    expect(navigations).to.have.length(1);
  });

  it("shows 'reconnecting' when the live link drops and comes back live on its own", async () => {
    // The test runs without DOM typings: the in-page code is passed as text. It records every badge text.
    await page.evaluate(`(() => {
      const badge = document.getElementById("conn");
      window.connSeen = [];
      new MutationObserver(() => window.connSeen.push(badge.textContent)).observe(badge, { childList: true, characterData: true, subtree: true });
    })()`);
    const io = (gateway!.getLocalService("api") as unknown as { io: IOServer }).io;
    // Close every transport from the server side, as a dropped network would: the client must retry.
    io.disconnectSockets(true);
    await page.waitForFunction("window.connSeen.some((t) => /reconnecting/.test(t))", undefined, { timeout: 5000 });
    await page.locator("#conn", { hasText: /^live$/ }).waitFor({ timeout: 10_000 });
    // Still live after the reconnect: a new window shows up without reload.
    await ingest(ingestA, "EV-A-LATE");
    await row("EV-A-LATE").waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(shotDir, "dashboard-after-reconnect.png"), fullPage: true });
    console.log(`    screenshots: ${shotDir}`);
  });

  it("logged no console error or uncaught exception in the operator's page", () => {
    expect(consoleErrors).to.deep.equal([]);
  });
});
