/** `duban tick [--at]` and `duban digest --preview [--group]` through the real CLI entry, against a database file. */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { cases, outbox } from "../../src/db/schema.js";
import { U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench } from "../helpers/schedules.js";

let b: Bench;
const out: string[] = [];
const run = async (...argv: string[]) => {
  out.length = 0;
  const code = await main(argv);
  return { code, text: out.join("\n") };
};

describe("the duban CLI for schedules", () => {
  const env = { ...process.env };
  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    await insertCases(b.db, 2, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-27 23:59"), officerUserId: "hh.officer" });
    Object.assign(process.env, { DATABASE_URL: `file:${join(b.t.dir, "test.db")}`, FILES_DIR: join(b.t.dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off", DEMO_SEED: "true" });
    vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    vi.spyOn(console, "error").mockImplementation((s: string) => void out.push(s));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    process.env = env;
    return b.cleanup();
  });

  it("previews a group's digest without queuing or recording anything", async () => {
    const r = await run("digest", "--preview", "--group", "g-hh", "--at", "2026-12-01T08:30:00+08:00");
    expect(r.code).toBe(0);
    expect(r.text.startsWith("**荷花池街道 · 每日通报 12月1日(周二)**\n本单位案件 **2** 件")).toBe(true);
    expect(await b.messages()).toEqual([]);
    expect(await b.slots()).toEqual([]);
    expect((await run("digest", "--preview", "--group", "g-nope")).code).toBe(2);
    expect((await run("digest")).code).toBe(2);
  });

  it("ticks at an instant, prints what it queued, and queues nothing when fired again; never seeds demo data", async () => {
    const first = await run("tick", "--at", "2026-12-01T00:30:00Z");
    expect(first.code).toBe(0);
    expect(first.text).toContain("tick 2026-12-01T00:30:00.000Z = 2026-12-01 08:30:00 Asia/Shanghai: morning run");
    expect(first.text).toContain("queued 2 message(s); 2 reminder(s) processed, 0 left for the next run");
    expect(first.text).toMatch(/g-hh +\d+ B +@hh\.officer @hh\.head +荷花池街道 · 每日通报/);
    const again = await run("tick", "--at", "2026-12-01T08:30:00+08:00");
    expect(again.text).toContain("queued 0 message(s)");
    expect((await b.messages()).map((m) => m.chatId).sort()).toEqual(["g-command", "g-hh"]);
    // Stamped with the simulated instant, but due now, so the running server's relay sends them at once.
    const rows = await b.db.select().from(outbox);
    expect(rows.every((r) => r.createdAt === Date.parse("2026-12-01T00:30:00Z") && r.nextAttemptAt <= Date.now())).toBe(true);
    const n = await b.db.$count(cases);
    expect(n).toBe(2);
  });

  it("refuses an instant without a zone", async () => {
    const r = await run("tick", "--at", "2026-12-01 08:30");
    expect([r.code, r.text]).toEqual([2, expect.stringContaining("--at must be an ISO instant with a zone")]);
  });
});
