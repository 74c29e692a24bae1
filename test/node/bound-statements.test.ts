/**
 * Statements built once per shape and bound per call (src/db/bound.ts, src/db/prepared.ts, issue 12): on libSQL the
 * builder runs once per handle and shape and every call writes exactly what drizzle would have written; on a handle
 * that cannot keep prepared queries (D1: no libSQL client behind it) and for SQL values, it builds each time.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDb } from "../helpers/db.js";
import { seedFixture } from "../helpers/seed-fixture.js";
import { bound, boundInsert } from "../../src/db/bound.js";
import { prepared } from "../../src/db/prepared.js";
import { caseEvents, cases } from "../../src/db/schema.js";
import { commit, insertAudit, insertEvent, newToken, updateCase } from "../../src/db/write.js";
import type { Db } from "../../src/db/types.js";

let t: Awaited<ReturnType<typeof tempDb>>;
let caseId: number;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  const [c] = await t.db.insert(cases).values({ title: "绑定语句测试", content: "内容", source: "hotline", state: "in_progress", createdBy: "tester", writeToken: newToken(), createdAt: 1, updatedAt: 1 }).returning({ id: cases.id });
  caseId = c.id;
});
afterAll(() => t.cleanup());

/** The same handle as D1 shows it: no libSQL client with a protocol behind it. */
const likeD1 = (db: Db): Db => new Proxy(db, { get: (target, prop, receiver) => (prop === "$client" ? {} : Reflect.get(target, prop, receiver)) });

const eventRow = async (id: number) => (await t.client.execute({ sql: "select case_id, at, actor_user_id, kind, text, data, typeof(data) as t from case_events where id = ?", args: [id] })).rows[0];
const lastEventId = async () => Number((await t.client.execute("select max(id) as id from case_events")).rows[0].id);

describe("bound statements", () => {
  it("build once per shape on libSQL and every time on a D1-like handle", async () => {
    let builds = 0;
    const item = (db: Db, at: number) =>
      bound(db, "test event", { caseId, at, text: `第${at}条` }, (v) => {
        builds++;
        return db.insert(caseEvents).values({ caseId: v("caseId"), at: v("at"), actorUserId: "tester", kind: "note", text: v("text"), data: null });
      });
    for (const at of [10, 11, 12]) await commit(t.db, [item(t.db, at)]);
    expect(builds).toBe(1);
    const d1 = likeD1(t.db);
    for (const at of [13, 14]) await commit(t.db, [item(d1, at)]);
    expect(builds).toBe(3);
    const rows = await t.db.select({ at: caseEvents.at, text: caseEvents.text }).from(caseEvents).where(eq(caseEvents.actorUserId, "tester"));
    expect(rows.map((r) => [r.at, r.text])).toEqual([10, 11, 12, 13, 14].map((at) => [at, `第${at}条`]));
  });

  it("write what drizzle writes: JSON encoded, a null stays NULL", async () => {
    for (const data of [null, { from: "a", n: 2, list: [1, "二"] }]) {
      await commit(t.db, [insertEvent(t.db, { caseId, at: 20, actor: "bound", kind: "note", text: "x", data: data ?? undefined })]);
      const viaBound = await eventRow(await lastEventId());
      await commit(t.db, [insertEvent(likeD1(t.db), { caseId, at: 20, actor: "bound", kind: "note", text: "x", data: data ?? undefined })]);
      const viaDrizzle = await eventRow(await lastEventId());
      expect(viaBound).toEqual(viaDrizzle);
      expect(viaBound.t).toBe(data === null ? "null" : "text");
    }
  });

  it("build in place when a value is SQL (a case named by its write token)", async () => {
    const token = newToken();
    await commit(t.db, [
      t.db.insert(cases).values({ title: "按令牌", content: "c", source: "hotline", state: "pending_ack", writeToken: token, createdBy: "tester", createdAt: 1, updatedAt: 1 }),
      insertEvent(t.db, { caseId: { token }, at: 30, actor: "bound", kind: "created" }),
      insertAudit(t.db, { at: 30, actor: "bound", action: "test", object: { caseToken: token }, result: "ok" }),
    ]);
    const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.writeToken, token));
    expect((await eventRow(await lastEventId())).case_id).toBe(row.id);
    const audit = (await t.client.execute("select object from audit_log where actor = 'bound' order by id desc limit 1")).rows[0];
    expect(audit.object).toBe(`case:${row.id}`);
  });

  it("update only the columns given, and keep the version guard", async () => {
    const [before] = await t.db.select().from(cases).where(eq(cases.id, caseId));
    await commit(t.db, updateCase(t.db, caseId, before.version, { finding: "已核实", closedAt: undefined, coUnitIds: [] }, newToken(), 40));
    const [after] = await t.db.select().from(cases).where(eq(cases.id, caseId));
    expect([after.finding, after.closedAt, after.version, after.updatedAt, after.coUnitIds]).toEqual(["已核实", before.closedAt, before.version + 1, 40, []]);
    // The same shape again at the old version: the guard aborts the batch.
    await expect(commit(t.db, updateCase(t.db, caseId, before.version, { finding: "再次" }, newToken(), 41))).rejects.toThrow(/version_conflict/);
  });

  it("insert a row as drizzle does, a value left undefined taking the column's default", async () => {
    const row = (token: string, priority?: "urgent") => ({
      title: "插入", content: "c", source: "hotline", priority, coUnitIds: [3, 4], pollutionTypes: ["大气"], flagged: true,
      state: "pending_ack" as const, createdBy: "bound", createdAt: 50, updatedAt: 50, writeToken: token,
    });
    const read = async (token: string) => {
      const [r] = await t.db.select().from(cases).where(eq(cases.writeToken, token));
      return { ...r, id: 0, writeToken: "" };
    };
    for (const priority of [undefined, "urgent" as const]) {
      const [a, b] = [newToken(), newToken()];
      await commit(t.db, [boundInsert(t.db, "test case", cases, row(a, priority))]);
      await commit(t.db, [t.db.insert(cases).values(row(b, priority))]);
      expect(await read(a)).toEqual(await read(b));
      expect((await read(a)).priority).toBe(priority ?? "normal");
    }
  });

  it("keep a prepared query per handle and key, never on a D1-like handle", () => {
    let builds = 0;
    const make = (db: Db) => prepared(db, "test select", () => (builds++, db.select({ one: sql`1` }).from(cases).prepare()));
    expect(make(t.db)).toBe(make(t.db));
    expect(builds).toBe(1);
    const d1 = likeD1(t.db);
    make(d1);
    make(d1);
    expect(builds).toBe(3);
  });
});
