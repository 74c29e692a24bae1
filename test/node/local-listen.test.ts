/**
 * Local mode cannot be opened to the network (issue 16): a real `duban serve` child refuses a non-loopback HOST
 * while the simulator or MFA-less login links are on, and by default listens on 127.0.0.1 only.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = new URL("../../bin/duban.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "duban-listen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only what the server needs: no HOST, WECOM_MODE or SIMULATOR leaks in from the shell running the tests. */
function envFor(name: string, extra: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", DATABASE_URL: `file:${join(dir, `${name}.db`)}`, FILES_DIR: join(dir, `${name}-files`), LOG_LEVEL: "error", ...extra };
}

type Run = { code: number | null; out: string; err: string };

/** Runs `duban serve` until it exits, or until it prints its URL (then `stop` ends it). */
function serve(env: Record<string, string | undefined>): Promise<{ url?: string; stop: () => Promise<Run>; exited?: Run }> {
  const proc = spawn(process.execPath, [BIN, "serve"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exit = new Promise<Run>((r) => proc.once("exit", (code) => r({ code, out, err })));
  const stop = async () => (proc.exitCode === null && proc.kill("SIGTERM"), exit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (proc.kill("SIGKILL"), reject(new Error(`no answer from duban serve: ${err || out}`))), 100_000);
    proc.stderr!.on("data", (d) => (err += d));
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve({ url: m[1], stop }));
    });
    void exit.then((r) => (clearTimeout(timer), resolve({ exited: r, stop })));
  });
}

/** "open" when a TCP connection to host:port is accepted, else the error code (ECONNREFUSED …). */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(3_000, () => (s.destroy(), resolve("timeout")));
    s.once("connect", () => (s.destroy(), resolve("open")));
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

/** This machine's first non-loopback IPv4 address, if it has one. */
const lan = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

// Each start compiles the app through tsx in a fresh process: slow on a busy machine, so the timeouts are wide.
describe("duban serve in local mode", { timeout: 120_000 }, () => {
  it("refuses HOST=0.0.0.0 with the simulator on: exits non-zero, says what to set, opens nothing", async () => {
    const r = await serve(envFor("open", { HOST: "0.0.0.0", WECOM_MODE: "off" }));
    if (r.url) await r.stop(); // it must not have started; if it did, do not leave it listening
    expect(r.url).toBeUndefined();
    expect(r.exited!.code).not.toBe(0);
    expect(r.exited!.err).toContain("HOST=0.0.0.0 在本地模式（WECOM_MODE=off）下不允许");
    expect(r.exited!.err).toContain("请设置 HOST=127.0.0.1");
    expect(r.exited!.err).toContain("SIMULATOR=false ADMIN_MFA=true");
    expect(r.exited!.err).toContain("is not allowed in local mode");
    expect(existsSync(join(dir, "open.db"))).toBe(false); // stopped before any database was opened
  });

  it("listens on 127.0.0.1 only by default", async () => {
    const r = await serve(envFor("default", {}));
    try {
      expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(r.url!).port);
      expect(await probe("127.0.0.1", port)).toBe("open");
      expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
      if (lan) expect(await probe(lan, port)).toBe("ECONNREFUSED");
    } finally {
      await r.stop();
    }
  });

  // The contrast that shows the probe above can see an open socket: both doors shut, the LAN may connect.
  it.skipIf(!lan)("serves the network once SIMULATOR=false and ADMIN_MFA=true", async () => {
    const r = await serve(envFor("shut", { HOST: "0.0.0.0", SIMULATOR: "false", ADMIN_MFA: "true" }));
    try {
      expect(r.url).toMatch(/^http:\/\/localhost:\d+$/);
      expect(await probe(lan!, Number(new URL(r.url!).port))).toBe("open");
    } finally {
      await r.stop();
    }
  });
});
