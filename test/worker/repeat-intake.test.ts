/**
 * Repeats at intake inside workerd against D1 (issue 13): POST /api/v1/cases answers with `similar`, and an import
 * whose preview row is 并案 into a closed case reopens it as a rebound in the import's one D1 batch.
 */
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const BASE = "https://duban.test";
let session: { cookie: string; csrf: string };
let earlier = 0;

const field = (html: string, name: string) => {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<textarea name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return m![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
};
async function upload(path: string, fields: Record<string, string | File>) {
  const form = new FormData();
  form.set("_csrf", session.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { cookie: session.cookie, origin: BASE }, body: form });
  return { res, text: await res.text() };
}

beforeAll(async () => {
  session = await sessionFor("disp");
  const now = Date.now();
  const unit = (await env.DB.prepare("select id from units where name = '荷花池街道'").first<{ id: number }>())!.id;
  const r = await env.DB.prepare(
    `insert into cases (source, title, content, address, lead_unit_id, state, outcome, closed_at, created_by, created_at, updated_at, write_token)
     values ('12345', '金丰路33号华西建材厂废气', '金丰路33号华西建材厂排放刺鼻废气，附近居民闻到化学气味', '金丰路33号', ?, 'closed', 'closed', ?, 'test', ?, ?, 'rep-intake-d1') returning id`,
  ).bind(unit, now, now, now).first<{ id: number }>();
  earlier = r!.id;
});

describe("repeats at intake on D1", () => {
  it("POST /api/v1/cases names the earlier case, and none for an unrelated complaint", async () => {
    const { token } = await createApiToken(d1(), { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: Date.now() });
    const post = async (body: unknown) => {
      const res = await SELF.fetch(`${BASE}/api/v1/cases`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { similar: { id: number; unit: string | null }[] } };
    };
    const same = await post({ content: "华西建材厂烟囱冒出难闻的气体，头晕恶心", leadUnit: "荷花池街道", address: "金丰路33号附近" });
    expect(same.status).toBe(201);
    expect(same.body.similar).toMatchObject([{ id: earlier, unit: "荷花池街道" }]);
    const other = await post({ content: "驷马桥路2号某农贸市场垃圾堆放无人清运", leadUnit: "驷马桥街道" });
    expect(other.body.similar).toEqual([]);
  });

  it("an import row 并案 into the closed case reopens it as a rebound, in the import's commit", async () => {
    const csv = "受理编号,交办问题基本情况,来电/来信,交办日期/批次,责任单位\r\nD3SC202612029901,金丰路33号院华西建材厂又在排放废气，气味刺鼻,来电,2026-12-01,荷花池街道\r\n";
    const preview = await upload("/dashboard/import/preview", { source: "中央督察", file: new File([new TextEncoder().encode(csv)], "list.csv") });
    expect(preview.text).toContain(`name="repeat:D3SC202612029901" value="merge:${earlier}"`);
    const done = await upload("/dashboard/import/commit", { previewId: field(preview.text, "previewId"), table: field(preview.text, "table"), "repeat:D3SC202612029901": `merge:${earlier}` });
    expect(done.res.status).toBe(200);
    const merged = await env.DB.prepare("select id, state, cancel_reason from cases where external_no = 'D3SC202612029901'").first<{ id: number; state: string; cancel_reason: string }>();
    expect(merged).toMatchObject({ state: "cancelled", cancel_reason: `并案至 #${earlier}` });
    expect(await env.DB.prepare("select state, round, rebound_count from cases where id = ?").bind(earlier).first()).toMatchObject({ state: "in_progress", round: 2, rebound_count: 1 });
    expect(await env.DB.prepare("select other_id, kind, reopened from case_links where case_id = ?").bind(merged!.id).first()).toMatchObject({ other_id: earlier, kind: "merged", reopened: 1 });
  });
});
