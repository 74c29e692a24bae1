/** 问责 #N … (issue 11): the accountability group or a leader records the outcome on the case, the timeline and the export. */
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { useDistrict } from "../helpers/district.js";
import { say } from "../helpers/fixture.js";
import { auditLog, caseEvents, cases, outbox } from "../../src/db/schema.js";
import { accountabilityText } from "../../src/web/excel/export-rows.js";

const d = useDistrict();

describe("问责 (issue 11)", () => {
  it("records the outcome on the case, its timeline and 责任人被处理情况, and tells the unit", async () => {
    const created = await say(d.deps, "disp", "g-command", "交办 某工地夜间施工噪声扰民 给 荷花池 限 3个工作日");
    const id = Number(/#(\d+)/.exec(created)![1]);
    d.clock.advance(10 * 24 * 3600_000); // long past due: the escalation reached the accountability group

    const reply = await say(d.deps, "acct", "g-acct", `问责 #${id} 约谈 荷花池街道分管负责人，逾期未签收`);
    expect(reply).toContain(`已记录 #${id} 的问责情况`);
    const [c] = await d.db.select().from(cases).where(eq(cases.id, id));
    expect(c.accountabilityLog).toEqual([{ at: d.clock(), by: "acct", action: "约谈", text: "约谈 荷花池街道分管负责人，逾期未签收" }]);
    expect(c.version).toBe(2);
    const [ev] = await d.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, id), eq(caseEvents.kind, "accountability")));
    expect(ev).toMatchObject({ actorUserId: "acct", text: "约谈 荷花池街道分管负责人，逾期未签收" });
    expect(accountabilityText(c)).toContain("问责：约谈 荷花池街道分管负责人");
    const pushes = await d.db.select().from(outbox).where(eq(outbox.caseId, id));
    expect(pushes.some((p) => p.target.endsWith("g-hh") && JSON.stringify(p.payload).includes("问责"))).toBe(true);

    // A second outcome is appended, not overwritten; a leader may record it too.
    await say(d.deps, "lead", "g-command", `问责 #${id} 通报批评`);
    const [again] = await d.db.select().from(cases).where(eq(cases.id, id));
    expect(again.accountabilityLog.map((e) => e.action)).toEqual(["约谈", "通报批评"]);
  });

  it("is refused to a unit's own staff, with an audited denial, and needs a decision text", async () => {
    const created = await say(d.deps, "disp", "g-command", "交办 某河段漂浮物 给 荷花池");
    const id = Number(/#(\d+)/.exec(created)![1]);
    expect(await say(d.deps, "hh.head", "g-hh", `问责 #${id} 约谈 自己`)).toContain("仅限问责组或领导");
    const denied = await d.db.select().from(auditLog).where(and(eq(auditLog.actor, "hh.head"), eq(auditLog.result, "denied")));
    expect(denied.length).toBeGreaterThan(0);
    expect(await say(d.deps, "acct", "g-acct", `问责 #${id}`)).toContain("需要写明");
    const [c] = await d.db.select().from(cases).where(eq(cases.id, id));
    expect(c.accountabilityLog).toEqual([]);
  });
});
