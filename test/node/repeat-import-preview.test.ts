/** The import preview names suspected repeats per new row (issue 13): a read-only hint, nothing written. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { say } from "../helpers/fixture.js";
import { ORIGIN, sessionFor, tableCounts, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
});
afterAll(() => w.store.cleanup());

describe("import preview and repeat complaints", () => {
  it("shows the earlier case for a row about the same place in other words, and none for an unrelated row", async () => {
    const created = await say(w.deps, "disp", "g-command", "交办 金牛大道18号老王烧烤店油烟直排，未安装油烟净化设施 给 荷花池");
    const earlier = Number(/#(\d+)/.exec(created)![1]);
    const csv = "受理编号,交办问题基本情况,来电/来信,交办日期/批次,责任单位\r\n" +
      "D3SC202612010101,群众反映金牛大道十八号院老王烧烤店晚上油烟很大，窗户都不敢开,来电,2026-11-30,荷花池街道\r\n" +
      "D3SC202612010102,驷马桥路2号某农贸市场垃圾堆放无人清运,来电,2026-11-30,驷马桥街道\r\n";
    const s = await sessionFor(w.db, "disp", w.clock());
    const form = new FormData();
    form.set("_csrf", s.csrf);
    form.set("source", "中央督察");
    form.set("file", new File([new TextEncoder().encode(csv)], "list.csv"));
    const before = await tableCounts(w.db);
    const res = await w.app.request(`${ORIGIN}/dashboard/import/preview`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN }, body: form });
    const html = await res.text();
    expect(res.status).toBe(200);
    const rows = html.slice(html.indexOf(`id="preview-rows"`)).split("<tr").slice(1).filter((r) => r.includes("<td>D3SC2026120101"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`href="/dashboard/cases/${earlier}"`);
    expect(rows[0]).toContain("荷花池街道）");
    expect(rows[1]).not.toContain("/dashboard/cases/");
    const after = await tableCounts(w.db);
    expect(before.cases).toBe(1);
    // A hint only: no case and no decision is written (the preview itself keeps its own record).
    expect([after.cases, after.case_links, after.case_events]).toEqual([before.cases, before.case_links, before.case_events]);
  });
});
