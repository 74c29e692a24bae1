import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import type { Deps } from "../../src/deps.js";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, testClock());
});
afterAll(() => t.cleanup());

const TABLES = ["cases", "case_events", "audit_log", "outbox", "inbox", "attachments", "chat_context"];
async function counts() {
  const out: Record<string, unknown> = {};
  for (const tb of TABLES) out[tb] = (await t.client.execute(`select count(*) as n, coalesce(sum(rowid), 0) as s from ${tb}`)).rows[0];
  out.versions = (await t.client.execute("select group_concat(id || ':' || version || ':' || state) as v from cases")).rows[0].v;
  return out;
}

// Each statement of a command's batch, made to fail in turn by a temporary trigger (R11).
const FAULTS = [
  ["the case insert", "BEFORE INSERT ON cases"],
  ["the case update", "BEFORE UPDATE ON cases"],
  ["the timeline event", "BEFORE INSERT ON case_events"],
  ["the audit row", "BEFORE INSERT ON audit_log"],
  ["the outbox row", "BEFORE INSERT ON outbox"],
  ["the inbox row", "BEFORE INSERT ON inbox"],
  ["the chat context", "BEFORE INSERT ON chat_context"],
] as const;

describe("a failure at any statement leaves no partial change (R11)", () => {
  for (const [what, when] of FAULTS) {
    it(`交办 then 签收 with ${what} failing, then redelivered`, async () => {
      for (const [text, user, chat] of [
        ["交办 某河段排污口异味 给 荷花池街道", "disp", "g-command"],
        ["签收 #LAST", "hh.officer", "g-hh"],
      ] as const) {
        const last = Number((await t.client.execute("select max(id) as m from cases")).rows[0].m ?? 0);
        const msg = text.replace("LAST", String(last));
        const msgId = `fault-${what}-${msg}`;
        await t.client.execute(`CREATE TEMP TRIGGER fault ${when} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
        const before = await counts();
        const failed = await say(deps, user, chat, msg, { msgId }).then(() => false, () => true);
        await t.client.execute("DROP TRIGGER fault");
        // 交办 inserts a case and never updates one; 签收 does the opposite. Every other statement is in both.
        // (An upsert of chat_context fires BEFORE INSERT too, so that fault hits both commands.)
        const touches = !(what === "the case update" && text.startsWith("交办")) && !(what === "the case insert" && text.startsWith("签收"));
        expect(failed).toBe(touches);
        if (failed) expect(await counts()).toEqual(before);
        // The retry of the same message succeeds exactly once, whether or not the fault hit this command.
        const ok = await say(deps, user, chat, msg, { msgId });
        expect(ok).toMatch(/已交办|已签收/);
        expect(await say(deps, user, chat, msg, { msgId })).toBe(ok);
      }
    });
  }
});
