/** 修改案件信息 (issue 11): the office completes a chat-dispatched case's disclosure fields, versioned and audited. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, caseEvents, cases } from "../../src/db/schema.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, get, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
});
afterAll(() => w.store.cleanup());

async function postForm(path: string, cookie: string, fields: [string, string][]) {
  const form = new URLSearchParams(fields);
  return w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
}

describe("editing a case's fields (issue 11)", () => {
  it("fills 地址/区域/污染类型 of a chat case, keeps the change on the timeline, and refuses a stale form", async () => {
    const id = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 某烧烤店油烟扰民 给 荷花池"))![1]);
    const s = await sessionFor(w.db, "disp", w.clock());
    const page = await (await get(w.app, `/dashboard/cases/${id}`, s.cookie)).text();
    expect(page).toContain('id="edit-case"');
    const [before] = await w.db.select().from(cases).where(eq(cases.id, id));
    const fields = (version: number): [string, string][] => [
      ["_csrf", s.csrf], ["action", "edit"], ["version", String(version)], ["title", before.title], ["content", before.content],
      ["address", "金牛大道18号"], ["area", "金牛区"], ["types", "大气"], ["types", "噪声"], ["source", "12345"], ["batch", ""],
    ];
    const res = await postForm(`/dashboard/cases/${id}/act`, s.cookie, fields(before.version));
    expect(res.status).toBe(303);
    const [after] = await w.db.select().from(cases).where(eq(cases.id, id));
    expect(after).toMatchObject({ address: "金牛大道18号", area: "金牛区", pollutionTypes: ["大气", "噪声"], source: "12345", version: before.version + 1 });
    const [ev] = await w.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, id), eq(caseEvents.kind, "note")));
    expect(ev.text).toBe("修改了地址、行政区域、污染类型、来源");
    expect(await w.db.select().from(auditLog).where(and(eq(auditLog.action, "case.edit"), eq(auditLog.object, `case:${id}`)))).toHaveLength(1);

    // The same form again, drawn from the old version: refused, nothing overwritten.
    const stale = await postForm(`/dashboard/cases/${id}/act`, s.cookie, fields(before.version).map(([k, v]) => (k === "area" ? [k, "成华区"] : [k, v])));
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("请刷新页面后再改");
    const [still] = await w.db.select().from(cases).where(eq(cases.id, id));
    expect(still.area).toBe("金牛区");
  });

  it("is the office's: a unit officer sees no form and is refused", async () => {
    const id = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 某工地扬尘 给 荷花池"))![1]);
    const s = await sessionFor(w.db, "hh.officer", w.clock());
    expect(await (await get(w.app, `/dashboard/cases/${id}`, s.cookie)).text()).not.toContain('id="edit-case"');
    const res = await postForm(`/dashboard/cases/${id}/act`, s.cookie, [["_csrf", s.csrf], ["action", "edit"], ["version", "1"], ["title", "x"], ["content", "y"], ["address", ""], ["area", "金牛区"], ["source", "12345"], ["batch", ""]]);
    expect(res.status).toBe(403);
  });

  it("says what is wrong with a bad type, in Chinese", async () => {
    const id = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 某河段漂浮物 给 荷花池"))![1]);
    const s = await sessionFor(w.db, "disp", w.clock());
    const res = await postForm(`/dashboard/cases/${id}/act`, s.cookie, [["_csrf", s.csrf], ["action", "edit"], ["version", "1"], ["title", "河段漂浮物"], ["content", "某河段漂浮物"], ["address", ""], ["area", ""], ["types", "空气"], ["source", "12345"], ["batch", ""]]);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("污染类型不正确");
  });
});
