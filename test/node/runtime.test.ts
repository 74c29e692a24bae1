import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { count } from "drizzle-orm";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { cases, units } from "../../src/db/schema.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "duban-runtime-"));
const env = { PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "data", "duban.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error" };
let h: NodeHandle;

beforeAll(async () => {
  h = await startNode(env);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run the real `duban` command the way an operator does. */
const duban = (args: string[], extra: Record<string, string> = {}) =>
  run(process.execPath, ["bin/duban.js", ...args], { env: { ...process.env, ...env, ...extra }, cwd: process.cwd() }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

describe("the Node runtime", () => {
  it("starts on an empty data directory, migrates, seeds the demo district and answers /healthz", async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    const { calendar, ...health } = (await res.json()) as Record<string, unknown>;
    expect(health).toEqual({ ok: true, db: "ok" });
    // On the real clock: present exactly while this year's (or, from October, next year's) holiday plan is missing (issue 14).
    if (calendar !== undefined) expect(calendar).toEqual({ missingYear: expect.any(Number) });
    const [{ n: nUnits }] = await h.deps.db.select({ n: count() }).from(units);
    const [{ n: nCases }] = await h.deps.db.select({ n: count() }).from(cases);
    expect(nUnits).toBeGreaterThanOrEqual(20);
    expect(nCases).toBeGreaterThanOrEqual(70);
  });

  it("`duban backup` writes a verified copy, and refuses to overwrite one", async () => {
    const target = join(dir, "backup.db");
    const first = await duban(["backup", target]);
    expect(first.out).toContain("integrity_check: ok");
    expect(existsSync(target)).toBe(true);
    const again = await duban(["backup", target]);
    expect(again.code).not.toBe(0);
    expect(again.out).toContain("already exists");
  });

  it("`duban seed --demo` is idempotent on a seeded database", async () => {
    const r = await duban(["seed", "--demo"]);
    expect(r.out).toContain("already present");
  });

  it("refuses to start with a malformed DATABASE_URL and names it", async () => {
    const r = await duban(["migrate"], { DATABASE_URL: "mysql://db/x" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DATABASE_URL scheme mysql: is not supported/);
  });
});
