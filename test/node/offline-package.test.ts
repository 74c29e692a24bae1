/**
 * The intranet package (issue 14): `npm run pack:offline` builds the tarball, which is unpacked in a temporary folder
 * and started with `npm start` while the registry is unreachable. The Dockerfile runs the same script (--stage) in its
 * build stage; with no Docker on the build machine its rules are checked here as text.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "duban-offline-"));
let server: ChildProcess | undefined;

afterAll(() => {
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, "SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

describe("the offline package", () => {
  it("unpacks and starts with npm start without a registry, on its own Node 24", async () => {
    const out = execFileSync(process.execPath, [join(ROOT, "scripts/pack-offline.mjs")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const tarball = out.trim().split("\n").at(-1)!;
    expect(tarball).toMatch(/dist\/duban-[\d.]+-linux-\w+\.tgz$/);
    execFileSync("tar", ["-xzf", tarball, "-C", tmp]);
    const [dir] = readdirSync(tmp);
    const app = join(tmp, dir);
    expect(readdirSync(app)).not.toContain("src"); // compiled code only
    expect(execFileSync(join(app, "node_modules/.bin/node"), ["--version"], { encoding: "utf8" })).toMatch(/^v24\./);

    const port = await freePort();
    const offline = { npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true", npm_config_update_notifier: "false" };
    const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: tmp, ...offline, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${join(tmp, "duban.db")}`, FILES_DIR: join(tmp, "files"), LOG_LEVEL: "warn" };
    const child = (server = spawn("npm", ["start"], { cwd: app, detached: true, stdio: ["ignore", "pipe", "pipe"], env: env as NodeJS.ProcessEnv }));
    let log = "";
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    let health: unknown;
    for (let i = 0; i < 240 && health === undefined; i++) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${log}`);
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => (r.ok ? r.json() : undefined), () => undefined);
      if (health === undefined) await new Promise((r) => setTimeout(r, 500));
    }
    expect(health).toMatchObject({ ok: true, db: "ok" });
    expect(await (await fetch(`http://127.0.0.1:${port}/sim`)).text()).toContain("模拟"); // local mode with the demo district
  }, 600_000);

  it("the Dockerfile: multi-stage, built by the pack script, non-root, a data volume and a health check", () => {
    const df = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const lines = df.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
    expect(lines.filter((l) => /^FROM\s/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(df).toMatch(/RUN node scripts\/pack-offline\.mjs --stage \/out/);
    const user = lines.filter((l) => /^USER\s/.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/\broot\b|\b0\b/);
    expect(df).toMatch(/^VOLUME \["\/data"\]/m);
    expect(df).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(df).not.toMatch(/^ADD\s+https?:/m); // nothing fetched outside the package managers
    const compose = readFileSync(join(ROOT, "deploy/compose.yaml"), "utf8");
    expect(compose).toMatch(/read_only: true/);
    expect(compose).toMatch(/\/data/);
    const unit = readFileSync(join(ROOT, "deploy/duban.service"), "utf8");
    for (const k of ["NoNewPrivileges=true", "ProtectSystem=strict", "User=duban", "EnvironmentFile="]) expect(unit).toContain(k);
    const nginx = readFileSync(join(ROOT, "deploy/nginx.conf"), "utf8");
    expect(nginx).toMatch(/location = \/wecom\/callback/);
    expect(nginx).toMatch(/client_max_body_size/);
    expect(nginx).toMatch(/listen 443 ssl/);
  });
});
