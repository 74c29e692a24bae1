/** R37: stored evidence is read back every night and checked against the SHA-256 recorded at receipt. */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { checkEvidence } from "../../src/schedules/evidence-check.js";
import { runScheduled } from "../../src/schedules/run.js";
import { tempDb } from "../helpers/db.js";
import { PNG, say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

const cst = (s: string) => Date.parse(`${s.replace(" ", "T")}:00+08:00`);
let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();
const failures = async () => (await t.db.all<{ object: string; detail: string }>(sql`select object, detail from audit_log where action = 'evidence.integrity' order by id`)).map((r) => r.object);

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
  const id = Number(/#(\d+)/.exec(await say(deps, "disp", "g-command", "交办 荷花池某工地扬尘 给 荷花池街道 限 5个工作日"))![1]);
  await say(deps, "hh.officer", "g-hh", `签收 #${id}`);
  for (let i = 0; i < 5; i++) await say(deps, "hh.officer", "g-hh", `进展 #${id} 第${i + 1}次洒水降尘`, { images: [PNG] });
});
afterAll(() => t.cleanup());

describe("nightly evidence check", () => {
  it("does nothing outside the night window", async () => {
    expect(await checkEvidence(deps, cst("2026-12-02 10:00"))).toEqual({ checked: 0, bad: 0, finished: false });
  });

  it("reads every file back in bounded slices, names a changed and a missing file once, and finishes the night", async () => {
    const files = await t.db.all<{ id: number; storage_key: string }>(sql`select id, storage_key from attachments order by id`);
    expect(files.length).toBe(5);
    writeFileSync(join(deps.config.filesDir, files[1].storage_key), "tampered");
    rmSync(join(deps.config.filesDir, files[3].storage_key));

    const night = cst("2026-12-03 02:00");
    const first = await checkEvidence(deps, night, 2);
    expect(first).toEqual({ checked: 2, bad: 1, finished: false });
    expect(await checkEvidence(deps, night + 60_000, 2)).toEqual({ checked: 2, bad: 1, finished: false });
    expect(await checkEvidence(deps, night + 120_000, 2)).toEqual({ checked: 1, bad: 0, finished: true });
    expect(await checkEvidence(deps, night + 180_000, 2)).toEqual({ checked: 0, bad: 0, finished: false }); // done for tonight
    expect(await failures()).toEqual([`attachment:${files[1].id}`, `attachment:${files[3].id}`]);

    // The next night checks everything again.
    expect((await checkEvidence(deps, cst("2026-12-04 03:00"), 50)).bad).toBe(2);
  });

  it("rides on every scheduler tick", async () => {
    const before = (await failures()).length;
    clock.set(cst("2026-12-05 02:30"));
    await runScheduled(deps, clock());
    expect((await failures()).length).toBe(before + 2);
  });
});
