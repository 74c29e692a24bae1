/**
 * The one runner of a use case (src/handlers/run.ts) and the chat's `alsoWrite` (issue 15): a surface's extra rows
 * commit in the use case's batch or not at all, a refusal commits its rows with the denial, and a version conflict
 * makes the runner decide again on fresh rows (R12).
 */
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDistrict } from "../helpers/district.js";
import { say, U } from "../helpers/fixture.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import type { IncomingMessage } from "../../src/bot/message.js";
import { insertAudit } from "../../src/db/write.js";
import { units } from "../../src/db/schema.js";
import { acknowledgeCase } from "../../src/handlers/acknowledge.js";
import { reassignCase } from "../../src/handlers/reassign.js";
import type { Actor } from "../../src/handlers/context.js";
import { DomainError } from "../../src/handlers/errors.js";
import { runUseCase } from "../../src/handlers/run.js";
import { renderWecom } from "../../src/bot/wecom/render.js";

const d = useDistrict();

const one = async (q: string) => (await d.db.all<Record<string, unknown>>(sql.raw(q)))[0];
const OFFICER: Actor = { userId: "hh.officer", name: "赵六", unitId: U.hehuachi, roles: ["officer"] };
const DISP: Actor = { userId: "disp", name: "张敏", unitId: U.office, roles: ["dispatcher"] };
const marker = (action: string) => insertAudit(d.deps.db, { at: d.deps.clock(), actor: "channel", action, result: "ok", source: "test" });
const newCase = async () => {
  expect(await say(d.deps, "disp", "g-command", "交办 某河段排污口异味 给 荷花池街道")).toContain("已交办");
  return Number((await one("select max(id) as id from cases")).id);
};
const msg = (msgId: string, text: string, senderId = "hh.officer"): IncomingMessage => ({ channel: "sim", msgId, chatId: "g-hh", chatType: "group" as const, senderId, text, uploads: [] });

describe("handleMessage's alsoWrite", () => {
  it("commits the channel's rows with the effect and the inbox row", async () => {
    const id = await newCase();
    const replies = await handleMessage(d.deps, msg("also-ok", `签收 #${id}`), { alsoWrite: [marker("test.replay.ok")] });
    expect(replies.map((r) => renderWecom(r)).join("\n")).toContain("已签收");
    expect((await one("select count(*) as n from audit_log where action = 'test.replay.ok'")).n).toBe(1);
    expect((await one(`select state from cases where id = ${id}`)).state).toBe("in_progress");
    // A redelivery is answered from the inbox: its extra rows are not written again.
    await handleMessage(d.deps, msg("also-ok", `签收 #${id}`), { alsoWrite: [marker("test.replay.ok")] });
    expect((await one("select count(*) as n from audit_log where action = 'test.replay.ok'")).n).toBe(1);
  });

  it("leaves no effect and no inbox row when a channel row fails, so the redelivery still works", async () => {
    const id = await newCase();
    const clash = d.deps.db.insert(units).values({ id: U.hehuachi, name: "重复的单位", kind: "street" } as typeof units.$inferInsert);
    await expect(handleMessage(d.deps, msg("also-bad", `签收 #${id}`), { alsoWrite: [clash] })).rejects.toThrow();
    expect((await one(`select state, version from cases where id = ${id}`)).state).toBe("pending_ack");
    expect((await one("select count(*) as n from inbox where key = 'sim:also-bad'")).n).toBe(0);
    expect((await one(`select count(*) as n from case_events where case_id = ${id} and kind = 'acknowledged'`)).n).toBe(0);
    const again = await handleMessage(d.deps, msg("also-bad", `签收 #${id}`));
    expect(again.map((r) => renderWecom(r)).join("\n")).toContain("已签收");
  });

  it("commits the channel's rows with a refusal and its denial audit", async () => {
    const replies = await handleMessage(d.deps, msg("also-denied", "交办 某处噪声扰民 给 荷花池街道"), { alsoWrite: [marker("test.replay.denied")] });
    expect(replies.map((r) => renderWecom(r)).join("\n")).toContain("只有督办员或领导可以交办案件");
    expect((await one("select count(*) as n from audit_log where action = 'test.replay.denied'")).n).toBe(1);
    expect((await one("select count(*) as n from audit_log where action = 'chat.assign' and result = 'denied' and actor = 'hh.officer'")).n).toBe(1);
  });
});

describe("runUseCase", () => {
  it("decides again on fresh rows after a version conflict, and commits once (R12)", async () => {
    const id = await newCase();
    const v0 = Number((await one(`select version from cases where id = ${id}`)).version);
    let runs = 0;
    const done = await runUseCase({ deps: d.deps, actor: OFFICER, source: "web", action: "web.acknowledge" }, async (ctx) => {
      const out = await acknowledgeCase({ ctx, input: { ref: { kind: "id", id } } });
      // Someone else writes the case between this run's read and its commit — on the first run only.
      if (++runs === 1) await d.db.run(sql.raw(`update cases set version = version + 1 where id = ${id}`));
      return out;
    });
    expect(runs).toBe(2);
    expect(done.caseId).toBe(id);
    expect((await one(`select version, state from cases where id = ${id}`))).toMatchObject({ version: v0 + 2, state: "in_progress" });
    expect((await one(`select count(*) as n from case_events where case_id = ${id} and kind = 'acknowledged'`)).n).toBe(1);
  });

  it("audits a FORBIDDEN refusal under the surface's action and rethrows it", async () => {
    const id = await newCase();
    const run = runUseCase({ deps: d.deps, actor: OFFICER, source: "api", action: "api.case.reassign" }, (ctx) => reassignCase({ ctx, input: { ref: { kind: "id", id }, unitId: U.simaqiao } }));
    await expect(run).rejects.toSatisfy((e) => e instanceof DomainError && e.code === "FORBIDDEN");
    expect((await one("select count(*) as n from audit_log where action = 'api.case.reassign' and result = 'denied' and source = 'api'")).n).toBe(1);
  });

  it("takes the unit id the dashboard selected, and refuses an unknown one by name of the problem", async () => {
    const id = await newCase();
    const ref = { kind: "id" as const, id };
    await expect(runUseCase({ deps: d.deps, actor: DISP, source: "web", action: "web.reassign" }, (ctx) => reassignCase({ ctx, input: { ref, unitId: 9999 } }))).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.code === "UNIT_NOT_FOUND",
    );
    await runUseCase({ deps: d.deps, actor: DISP, source: "web", action: "web.reassign" }, (ctx) => reassignCase({ ctx, input: { ref, unitId: U.simaqiao } }));
    expect((await one(`select lead_unit_id from cases where id = ${id}`)).lead_unit_id).toBe(U.simaqiao);
  });
});
