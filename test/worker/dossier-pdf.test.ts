/** Inside workerd there is no Chromium: the PDF dossier routes answer 501 in Chinese with the print view (issue 14). */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import { insertSession, newSessionToken } from "../../src/db/sessions.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const BASE = "https://duban.test";
const db = () => drizzle(env.DB, { schema }) as unknown as Db;
let session: { cookie: string; csrf: string };
let caseId: number;
let batchId: number;

beforeAll(async () => {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(db());
  const s = await newSessionToken();
  const person = (await env.DB.prepare("select id from people where user_id = 'disp'").first()) as { id: number };
  await db().batch([insertSession(db(), s, person.id, Date.now())]);
  session = { cookie: `__Host-duban_session=${s.token}`, csrf: s.csrf };
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
