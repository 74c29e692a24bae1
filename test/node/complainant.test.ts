/**
 * R39/R40 end to end: complainant details typed into 交办 or imported from a list reach no group (not even masked
 * when given as a complainant part), stay out of titles, are stored in cases.complainant, shown only through the
 * audited reveal, and cleared by retention; the audit log's free text is masked.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { auditLog, cases } from "../../src/db/schema.js";
import { deidentifyExpiredComplainants } from "../../src/schedules/retention.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, get, post, sessionFor, webApp } from "../helpers/web.js";

const DAY = 86_400_000;
let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp({ config: { complainantRetentionDays: 30 } });
});
afterAll(() => w.store.cleanup());

/** Everything a group could see: the bot's group replies and every queued push. */
async function outgoing(replies: string[]): Promise<string> {
  const pushes = await w.db.all<{ payload: string }>(sql`select payload from outbox`);
  return [...replies, ...pushes.map((p) => JSON.parse(p.payload) as Record<string, unknown>).map((p) => JSON.stringify(p))].join("\n");
}
/** Digits only, full-width folded: a number survives whatever separators it was written with. */
const digitsOf = (s: string) => s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[^\dXx]/g, "");
const caseId = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const row = async (id: number) => (await w.db.select().from(cases).where(eq(cases.id, id)))[0];

describe("交办 with phone numbers and names in the text (issue 16)", () => {
  const texts = [
    ["交办 李四138-1234-5678投诉噪声 给 荷花池街道", "13812345678", "李四"],
    ["交办 群众反映夜间施工噪声，电话+86 138 1234 5678 给 荷花池街道", "8613812345678", undefined],
    ["交办 金牛大道油烟扰民，举报人王小明身份证510106 19800101 123X 给 荷花池街道", "51010619800101123X", "王小明"],
    ["交办 河道漂浮物 来电人 李四 １３８１２３４５６７８ 给 荷花池街道", "13812345678", "李四"],
  ] as const;
  it.each(texts)("%s reaches no group unmasked; the title has neither number nor name", async (text, number, name) => {
    const reply = await say(w.deps, "disp", "g-command", text);
    const id = caseId(reply);
    const query = await say(w.deps, "hh.officer", "g-hh", `查 #${id}`);
    const seen = await outgoing([reply, query]);
    expect(digitsOf(seen)).not.toContain(number.slice(-11)); // the mobile without its +86, or the ID
    if (name) expect(seen).not.toContain(name);
    const c = await row(id);
    expect(digitsOf(c.title)).toBe("");
    if (name) expect(c.title).not.toContain(name);
  });

  it("a complainant part goes to cases.complainant, not to content, title or any group — not even masked (R40(a))", async () => {
    const reply = await say(w.deps, "disp", "g-command", "交办 赵小红反映金牛大道某烧烤店油烟扰民 来电人：赵小红，电话13900001111 给 荷花池街道 限 5个工作日");
    const id = caseId(reply);
    const c = await row(id);
    // The name is known from the complainant part, so the title drops it even without a marker (R40(a)).
    expect(c).toMatchObject({ title: "反映金牛大道某烧烤店油烟扰民", content: "赵小红反映金牛大道某烧烤店油烟扰民", complainant: "赵小红 13900001111" });
    const pushes = (await w.db.all<{ payload: string }>(sql`select payload from outbox where case_id = ${id}`)).map((p) => p.payload).join("\n");
    expect(pushes.length).toBeGreaterThan(0);
    const inGroup = await say(w.deps, "hh.officer", "g-hh", `查 #${id}`);
    expect(inGroup).toContain("赵**反映金牛大道");
    expect(await say(w.deps, "disp", "single:disp", `查 #${id}`)).toContain("赵小红反映"); // staff in single chat: in full
    expect(inGroup).not.toContain("赵小红");
    expect(inGroup).not.toContain("1111");
    for (const s of [reply, pushes]) {
      expect(s).not.toContain("赵");
      expect(s).not.toContain("1111");
    }
  });
});

describe("the API's complainant field (R40)", () => {
  it("stores it apart: not in the title, the response or any push; a 12345 platform's inline number is masked", async () => {
    const { token } = await createApiToken(w.db, { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() });
    const res = await w.app.request(`${ORIGIN}/api/v1/cases`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "孙大伟反映幸福路工地夜间施工噪声，电话13700002222", leadUnit: "荷花池街道", complainant: "孙大伟 13700002222" }),
    });
    expect(res.status).toBe(201);
    const body = await res.text();
    const id = Number(/"id":(\d+)/.exec(body)![1]);
    const c = await row(id);
    expect(c).toMatchObject({ complainant: "孙大伟 13700002222", title: "反映幸福路工地夜间施工噪声" });
    const pushes = (await w.db.all<{ payload: string }>(sql`select payload from outbox where case_id = ${id}`)).map((p) => p.payload).join("\n");
    expect(pushes.length).toBeGreaterThan(0);
    for (const s of [pushes, JSON.stringify(JSON.parse(body).title ?? "")]) {
      expect(s).not.toContain("孙大伟");
      expect(s).not.toContain("2222");
    }
  });
});

describe("import reads 来电人 and 联系方式 into cases.complainant", () => {
  it("stores the complainant, keeps it out of the title, reveals it only with a reason, audited", async () => {
    const csv = "受理编号,交办问题基本情况,来电/来信,交办日期/批次,责任单位,来电人,联系方式\r\nD3SC202612010001,来电人反映李四13812345678家楼下烧烤店油烟扰民,来电,2026-11-30,荷花池街道,钱小五,028-8765 4321\r\n";
    const s = await sessionFor(w.db, "disp", w.clock());
    const send = async (path: string, fields: Record<string, string | File>) => {
      const form = new FormData();
      form.set("_csrf", s.csrf);
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const res = await w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN }, body: form });
      return res.text();
    };
    const preview = await send("/dashboard/import/preview", { source: "中央督察", file: new File([new TextEncoder().encode(csv)], "list.csv") });
    // Post back whatever the confirm form carries (its hidden inputs and the table), as the browser would.
    const form = /<form[^>]*id="commit-form"[^>]*>([\s\S]*?)<\/form>/.exec(preview)![1];
    const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const fields: Record<string, string> = {};
    for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) if (m[1] !== "_csrf") fields[m[1]] = unescape(m[2]);
    for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]] = unescape(m[2]);
    const done = await send("/dashboard/import/commit", fields);
    expect(done).toContain("已导入 1 件");
    const [c] = await w.db.select().from(cases).where(eq(cases.externalNo, "D3SC202612010001"));
    expect(c.complainant).toBe("钱小五 028-8765 4321");
    expect(c.title).not.toMatch(/\d{4}|李四/);

    const page = await (await get(w.app, `/dashboard/cases/${c.id}`, s.cookie)).text();
    expect(page).not.toContain("钱小五");
    expect(page).toContain("（已隐藏）");
    const shown = await (await post(w.app, `/dashboard/cases/${c.id}/pii`, { _csrf: s.csrf, reason: "回访来电人，核对号码 13812345678" }, { cookie: s.cookie })).text();
    expect(shown).toContain("钱小五 028-8765 4321");
    const [audit] = await w.db.select().from(auditLog).where(and(eq(auditLog.action, "case.pii.view"), eq(auditLog.object, `case:${c.id}`)));
    expect(audit.detail).toEqual({ reason: "回访来电人，核对号码 138****5678" }); // the audit log keeps no full number (R39)
  });
});

describe("retention clears chat-created and imported complainants (R40(c))", () => {
  it("de-identifies both once closed for longer than the retention period", async () => {
    const withPii = await w.db.select({ id: cases.id }).from(cases).where(sql`${cases.complainant} is not null`);
    expect(withPii.length).toBeGreaterThanOrEqual(3); // the 来电人 parts typed in chat and the imported one
    const night = Date.parse("2027-02-10T02:30:00+08:00");
    await w.db.update(cases).set({ state: "closed", outcome: "closed", closedAt: night - 31 * DAY, updatedAt: night - 31 * DAY });
    await deidentifyExpiredComplainants(w.deps, night);
    expect(await w.db.select({ id: cases.id }).from(cases).where(sql`${cases.complainant} is not null`)).toEqual([]);
  });
});

describe("audit free text (issue 16 item 8)", () => {
  it("the audit page masks rows written before masking existed (the log is append-only)", async () => {
    await w.db.insert(auditLog).values({ at: w.clock(), actor: "hh.officer", action: "chat.assign", result: "denied", source: "sim:g-hh", detail: { code: "FORBIDDEN", text: "交办 举报人周大福电话13600003333" } });
    const s = await sessionFor(w.db, "audit", w.clock());
    const page = await (await get(w.app, "/admin/audit", s.cookie)).text();
    expect(page).toContain("136****3333");
    expect(page).not.toContain("13600003333");
    expect(page).not.toContain("周大福");
  });

  it("keeps a denied command's words with every number masked, even one cut at 200 characters", async () => {
    const text = `交办 ${"很".repeat(186)} 13812345678 给 荷花池街道`; // the number straddles character 200
    const reply = await say(w.deps, "hh.officer", "g-hh", text);
    expect(reply).toContain("只有督办员或领导可以交办");
    const rows = await w.db.select().from(auditLog).where(and(eq(auditLog.action, "chat.assign"), eq(auditLog.result, "denied")));
    const stored = rows.map((a) => JSON.stringify(a.detail)).find((d) => d.includes("很很"))!;
    expect(stored).toContain("138****");
    expect(stored).not.toContain("1234"); // the middle digits, which only a cut-then-mask would have kept
  });
});
