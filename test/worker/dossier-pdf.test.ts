/** Inside workerd there is no Chromium: the PDF dossier routes answer 501 in Chinese with the print view (issue 14). */
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const BASE = "https://duban.test";
const db = d1;
let session: { cookie: string; csrf: string };
let caseId: number;
let batchId: number;

beforeAll(async () => {
  session = await sessionFor("disp");
  [{ id: batchId }] = await db().insert(schema.batches).values({ name: "PDF 测试批次", source: "中央督察", receivedOn: "2026-11-20" }).returning({ id: schema.batches.id });
  [{ id: caseId }] = await db()
    .insert(schema.cases)
    .values({ source: "中央督察", batchId, title: "油烟直排", content: "油烟直排", leadUnitId: 1, state: "closed", dueAt: Date.now(), createdBy: "disp", createdAt: Date.now(), updatedAt: Date.now(), writeToken: crypto.randomUUID() })
    .returning({ id: schema.cases.id });
});

const post = (path: string) =>
  SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { cookie: session.cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: session.csrf }) });

describe("PDF dossier inside workerd", () => {
  it("keeps the browser print view: 下载 PDF and 批次归档 answer 501 in Chinese and point to it", async () => {
    const one = await post(`/dashboard/cases/${caseId}/dossier.pdf`);
    expect(one.status).toBe(501);
    const html = await one.text();
    expect(html).toContain("不能生成 PDF");
    expect(html).toContain(`href="/dashboard/cases/${caseId}/dossier"`);
    const zip = await post(`/dashboard/batches/${batchId}/dossiers.zip`);
    expect(zip.status).toBe(501);
    expect(await zip.text()).toContain(`href="/dashboard/cases?batch=${batchId}"`);
    const page = await (await SELF.fetch(`${BASE}/dashboard/cases/${caseId}/dossier`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain("打印 / 另存为 PDF");
  });
});
