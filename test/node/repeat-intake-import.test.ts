/**
 * Repeats at import (issue 13): the preview flags two rows of one list about the same place to each other and
 * offers each row with earlier candidates a choice; the confirm applies 并案 (into a closed case: reopened as a
 * rebound) and 不是重复 per row in the import's own all-or-nothing commit. Real libSQL file, the real web routes.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, caseEvents, caseLinks, cases, caseTotals, outbox } from "../../src/db/schema.js";
import { findSimilar } from "../../src/db/similar-cases.js";
import { commitImport, type NewCase } from "../../src/db/import-cases.js";
import { newToken, updateCase, VersionConflict } from "../../src/db/write.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, sessionFor, tableCounts, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
let closedEarlier = 0;
let openEarlier = 0;
const idIn = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const row = async (where: ReturnType<typeof eq>) => (await w.db.select().from(cases).where(where))[0];

let session: Awaited<ReturnType<typeof sessionFor>> | undefined;
async function upload(path: string, fields: Record<string, string | File>) {
  const s = (session ??= await sessionFor(w.db, "disp", w.clock()));
  const form = new FormData();
  form.set("_csrf", s.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN }, body: form });
  return { res, text: await res.text() };
}
const hidden = (html: string, name: string) => {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<textarea name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return m![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
};
const csv = (rows: string[][]) => new File([new TextEncoder().encode(["受理编号,交办问题基本情况,来电/来信,交办日期/批次,责任单位", ...rows.map((r) => r.join(","))].join("\r\n") + "\r\n")], "list.csv");
/** The preview table's row of a 受理编号 (its 疑似重复 cell is the last one). */
const previewRow = (html: string, no: string) => html.slice(html.indexOf('id="preview-rows"')).split("<tr").find((r) => r.includes(`<td>${no}</td>`))!;

const LIST = [
  ["D3SC202612020201", "群众反映金牛大道十八号院老王烧烤店晚上油烟很大，窗户都不敢开", "来电", "2026-12-01", "荷花池街道"],
  ["D3SC202612020202", "金牛大道18号老王烧烤店又在排油烟，熏得头疼，晚上没法开窗", "来电", "2026-12-01", "荷花池街道"],
  ["D3SC202612020203", "蜀汉路77号某火锅店后厨油烟直排，气味很大", "来信", "2026-12-01", "荷花池街道"],
  ["D3SC202612020204", "驷马桥路2号某农贸市场垃圾堆放无人清运", "来电", "2026-12-01", "驷马桥街道"],
];

beforeAll(async () => {
  w = await webApp();
  closedEarlier = idIn(await say(w.deps, "disp", "g-command", "交办 金牛大道18号老王烧烤店油烟直排，未安装油烟净化设施 给 荷花池 地址 金牛大道18号"));
  await w.db.update(cases).set({ state: "closed", outcome: "closed", closedAt: w.clock() }).where(eq(cases.id, closedEarlier));
  openEarlier = idIn(await say(w.deps, "disp", "g-command", "交办 蜀汉路77号某火锅店油烟直排扰民 给 荷花池 地址 蜀汉路77号"));
  w.clock.advance(14 * 24 * 3600_000);
});
afterAll(() => w.store.cleanup());

describe("import preview: repeats within the list and choices per row", () => {
  let preview = "";
  it("flags two rows of one list about the same place to each other, and offers 新建 / 并案 / 不是重复", async () => {
    const before = await tableCounts(w.db);
    const { res, text } = await upload("/dashboard/import/preview", { source: "中央督察", file: csv(LIST) });
    expect(res.status).toBe(200);
    preview = text;
    const cell = (no: string) => previewRow(text, no);
    expect(cell("D3SC202612020201")).toContain("同表第 3 行（D3SC202612020202）");
    expect(cell("D3SC202612020202")).toContain("同表第 2 行（D3SC202612020201）");
    expect(cell("D3SC202612020203")).not.toContain("同表第");
    expect(cell("D3SC202612020204")).not.toContain("同表第");
    expect(cell("D3SC202612020204")).not.toContain("/dashboard/cases/");
    // Listed apart as well, so that a pair beyond the first rows shown is not missed.
    const inList = text.slice(text.indexOf('id="in-list-repeats"'), text.indexOf("</section>", text.indexOf('id="in-list-repeats"')));
    expect(inList).toContain("表内疑似重复：2 行");
    expect(inList.split("<tr data-line=").slice(1).map((r) => r.slice(1, 2))).toEqual(["2", "3"]);
    const choices = text.slice(text.indexOf('id="repeat-choices"'), text.indexOf("</fieldset>"));
    expect(choices).toContain(`name="repeat:D3SC202612020201" value="merge:${closedEarlier}"`);
    expect(choices).toContain(`name="repeat:D3SC202612020203" value="notdup:${openEarlier}"`);
    expect(choices).toMatch(/name="repeat:D3SC202612020201" value="new" checked/);
    expect(choices).not.toContain("repeat:D3SC202612020204");
    const after = await tableCounts(w.db);
    expect([after.cases, after.case_links, after.case_events]).toEqual([before.cases, before.case_links, before.case_events]);
  });

  it("refuses the whole import when a chosen 并案 crosses lead units, writing nothing", async () => {
    const before = await tableCounts(w.db);
    const { res, text } = await upload("/dashboard/import/commit", { previewId: hidden(preview, "previewId"), table: hidden(preview, "table"), "repeat:D3SC202612020204": `merge:${closedEarlier}` });
    expect(res.status).toBe(422);
    expect(text).toMatch(/第 5 行（D3SC202612020204）的牵头单位是驷马桥街道，#\d+ 的是荷花池街道，不同牵头单位的案件不能并案/);
    expect(await tableCounts(w.db)).toEqual(before);
    const forged = await upload("/dashboard/import/commit", { previewId: hidden(preview, "previewId"), table: hidden(preview, "table"), "repeat:D3SC202612020201": "merge:1;drop" });
    expect(forged.res.status).toBe(400);
  });

  it("applies 并案 into the closed case (reopened as a rebound) and 不是重复 in the import's one commit", async () => {
    const rebounds = async () => (await w.db.select().from(caseTotals)).reduce((n, r) => n + r.rebounds, 0);
    const reboundsBefore = await rebounds();
    const t0 = await row(eq(cases.id, closedEarlier));
    const { res, text } = await upload("/dashboard/import/commit", {
      previewId: hidden(preview, "previewId"), table: hidden(preview, "table"),
      "repeat:D3SC202612020201": `merge:${closedEarlier}`, "repeat:D3SC202612020202": "new", "repeat:D3SC202612020203": `notdup:${openEarlier}`,
    });
    expect(res.status).toBe(200);
    expect(text).toContain("已导入 4 件；其中 1 件并入原案件");
    expect(text).toContain(`#${closedEarlier} 已按反弹重新办理`);

    const merged = await row(eq(cases.externalNo, "D3SC202612020201"));
    expect(merged).toMatchObject({ state: "cancelled", cancelReason: `并案至 #${closedEarlier}` });
    const reopened = await row(eq(cases.id, closedEarlier));
    expect(reopened).toMatchObject({ state: "in_progress", round: t0.round + 1, roundReason: "rebound", reboundCount: 1, closedAt: null, version: t0.version + 1 });
    expect(await rebounds()).toBe(reboundsBefore + 1);
    const [ev] = await w.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, closedEarlier), eq(caseEvents.kind, "rebound")));
    expect(ev.text).toBe(`重复投诉：#${merged.id} ${LIST[0][1]}`);
    expect(ev.data).toMatchObject({ merged: merged.id, externalNo: "D3SC202612020201" });
    const links = await w.db.select().from(caseLinks).where(eq(caseLinks.caseId, merged.id));
    expect(links).toMatchObject([{ otherId: closedEarlier, kind: "merged", reopened: true, priorState: { state: "pending_ack", cancelReason: null } }]);
    // Every write of the import, decisions included, carries the same instant: one commit.
    const audits = await w.db.select().from(auditLog).where(sql`${auditLog.action} in ('case.merge', 'case.merge.rebound', 'case.not_duplicate', 'case.import')`);
    expect(audits.map((a) => a.action).sort()).toEqual(["case.import", "case.merge", "case.merge.rebound", "case.not_duplicate"]);
    expect(new Set(audits.map((a) => a.at)).size).toBe(1);
    expect(audits.find((a) => a.action === "case.merge")!.object).toBe(`case:${merged.id}`);

    // The kept row and the one marked 不是重复 are ordinary new cases; the pair is recorded and not suggested again.
    expect((await row(eq(cases.externalNo, "D3SC202612020202"))).state).toBe("pending_ack");
    const apart = await row(eq(cases.externalNo, "D3SC202612020203"));
    expect(apart.state).toBe("pending_ack");
    expect(await w.db.select({ otherId: caseLinks.otherId, kind: caseLinks.kind }).from(caseLinks).where(eq(caseLinks.caseId, apart.id))).toEqual([{ otherId: openEarlier, kind: "not_duplicate" }]);
    const q = { content: apart.content, title: apart.title, address: apart.address, area: apart.area };
    expect((await findSimilar(w.db, q)).map((s) => s.id)).toContain(openEarlier);
    expect((await findSimilar(w.db, { ...q, excludeId: apart.id })).map((s) => s.id)).not.toContain(openEarlier);

    // The unit group is told of the new cases, not of the one merged away; the rebound is pushed as such.
    const pushes = (await w.db.select().from(outbox)).map((o) => JSON.stringify(o.payload));
    const announce = pushes.find((p) => p.includes("清单导入"))!;
    expect(announce).toContain(`#${(await row(eq(cases.externalNo, "D3SC202612020202"))).id} `);
    expect(announce).not.toContain(`#${merged.id} `);
    expect(pushes.some((p) => p.includes("收到重复投诉，已重新办理") && p.includes("D3SC202612020201"))).toBe(true);
  });

  it("keeps the import all or nothing when a decision's target changed after it was read", async () => {
    const before = await tableCounts(w.db);
    const t = await row(eq(cases.id, openEarlier));
    const newCase: NewCase = {
      externalNo: "D3SC202612020299", source: "中央督察", batch: { name: "冲突批次", receivedOn: "2026-12-01" }, title: "冲突", content: "蜀汉路77号某火锅店油烟又来了",
      area: null, address: null, types: [], focus: false, leadUnitId: 1, coUnitIds: [], ackBy: null, dueAt: w.clock() + 86_400_000, origin: { line: 2 },
    };
    // A decision written for version v while the case is already at v + 1 (someone acted in between).
    const stale = updateCase(w.db, t.id, t.version - 1, {}, newToken(), w.clock());
    await expect(commitImport(w.db, [newCase], { actor: "disp", source: "中央督察", at: w.clock(), fileName: "x.csv", sha256: "0".repeat(64) }, stale)).rejects.toBeInstanceOf(VersionConflict);
    const after = await tableCounts(w.db);
    const keys = ["cases", "case_events", "audit_log", "batches", "import_staging", "case_links"];
    expect(keys.every((k) => typeof before[k] === "number")).toBe(true);
    expect(keys.map((k) => after[k])).toEqual(keys.map((k) => before[k]));
  });
});
