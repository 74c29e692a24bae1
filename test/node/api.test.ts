/** The REST API /api/v1: token auth (401/403), scope, zod validation in Chinese, create through 交办, OpenAPI. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_POLICY } from "../../src/api/policy.js";
import { createApiToken, revokeApiToken } from "../../src/db/api-tokens.js";
import { apiTokens, auditLog, cases, outbox } from "../../src/db/schema.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, routesOf, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
const tokens = { disp: "", unit: "", audit: "", revoked: "" };
let dispTokenId = 0;
let hhCase = 0;
let smCase = 0;

const call = (path: string, o: { token?: string; method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {}) =>
  w.app.request(`${ORIGIN}/api/v1${path}`, {
    method: o.method ?? "GET",
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers },
    body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body),
  });
const json = async (r: Response) => (await r.json()) as Record<string, any>;

beforeAll(async () => {
  w = await webApp();
  const now = w.clock();
  const d = await createApiToken(w.db, { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now });
  tokens.disp = d.token;
  dispTokenId = d.id;
  tokens.unit = (await createApiToken(w.db, { name: "荷花池对接", roles: ["unit_head"], unitId: 1, createdBy: "cli", now })).token;
  tokens.audit = (await createApiToken(w.db, { name: "审计", roles: ["auditor"], unitId: null, createdBy: "cli", now })).token;
  const r = await createApiToken(w.db, { name: "旧令牌", roles: ["dispatcher"], unitId: null, createdBy: "cli", now });
  tokens.revoked = r.token;
  await revokeApiToken(w.db, r.id, "cli", now);
  hhCase = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 荷花池北街某餐馆油烟直排 给 荷花池街道 限 12月30日"))![1]);
  smCase = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 驷马桥路某工地夜间施工噪声 给 驷马桥街道 限 12月30日"))![1]);
});
afterAll(() => w.store.cleanup());

describe("authentication and roles", () => {
  it("stores only the token's hash", async () => {
    const rows = await w.db.select().from(apiTokens);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash) && !Object.values(tokens).includes(r.tokenHash))).toBe(true);
    expect(tokens.disp).toMatch(/^dbn_[A-Za-z0-9_-]{43}$/);
  });

  it("answers 401 without a token, with a wrong one and with a revoked one, in Chinese JSON", async () => {
    for (const token of [undefined, "dbn_nope", tokens.revoked]) {
      const r = await call("/cases", { token });
      expect(r.status).toBe(401);
      expect((await json(r)).message).toMatch(/令牌|登录/);
    }
    expect((await call("/cases", { headers: { authorization: "Basic abc" } })).status).toBe(401);
  });

  it("answers 403 to a role without access (default deny)", async () => {
    expect((await call("/cases", { token: tokens.audit })).status).toBe(403);
    expect((await call("/people", { token: tokens.unit })).status).toBe(403);
    expect((await call("/cases", { token: tokens.unit, method: "POST", body: { content: "某处噪声扰民", leadUnit: "荷花池街道" } })).status).toBe(403);
  });

  it("scopes a unit token to its unit's cases (another unit's case is 404)", async () => {
    const list = await json(await call("/cases", { token: tokens.unit }));
    expect(list.items.map((c: { id: number }) => c.id)).toEqual([hhCase]);
    expect((await call(`/cases/${smCase}`, { token: tokens.unit })).status).toBe(404);
    expect((await call(`/cases/${smCase}/events`, { token: tokens.unit })).status).toBe(404);
    const stats = await json(await call("/stats", { token: tokens.unit }));
    expect(stats.totals.total).toBe(1);
    expect(stats.units).toEqual([]);
  });

  it("also serves a signed-in session; its POSTs need the CSRF token", async () => {
    const s = await sessionFor(w.db, "disp", w.clock());
    expect((await call("/cases", { cookie: s.cookie })).status).toBe(200);
    const body = { content: "会话创建的案件内容", leadUnit: "荷花池街道" };
    expect((await call("/cases", { cookie: s.cookie, method: "POST", body })).status).toBe(403);
    expect((await call("/cases", { cookie: s.cookie, method: "POST", body, headers: { "x-csrf-token": s.csrf } })).status).toBe(201);
  });
});

describe("cases", () => {
  it("lists with the ledger's filters and paging", async () => {
    const r = await json(await call(`/cases?unit=2&pageSize=10`, { token: tokens.disp }));
    expect(r).toMatchObject({ total: 1, page: 1, pageSize: 10, pages: 1 });
    expect(r.items[0]).toMatchObject({ id: smCase, leadUnit: { id: 2, name: "驷马桥街道" }, state: "pending_ack", stateLabel: "待签收" });
    expect(r.items[0]).not.toHaveProperty("complainant");
  });

  it("rejects bad filters with Chinese messages per parameter", async () => {
    const r = await call("/cases?state=nope&pageSize=500", { token: tokens.disp });
    expect(r.status).toBe(400);
    const body = await json(r);
    expect(body.error).toBe("VALIDATION");
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["pageSize", "state"]);
    expect(body.message).toContain("状态无效");
    expect(body.message).toContain("每页最多 200 条");
  });

  it("creates a case through the 交办 use case: pushes, event, audit as api:<id>, plus our fields", async () => {
    const r = await call("/cases", {
      token: tokens.disp,
      method: "POST",
      body: { content: "金泉路某废品站露天焚烧垃圾，浓烟扰民", leadUnit: "荷花池", externalNo: "d3sc202612010009", source: "12345", area: "金牛区", pollutionTypes: ["大气"], workingDays: 5 },
    });
    expect(r.status).toBe(201);
    const c = await json(r);
    expect(r.headers.get("location")).toBe(`/api/v1/cases/${c.id}`);
    expect(c).toMatchObject({ externalNo: "D3SC202612010009", source: "12345", area: "金牛区", pollutionTypes: ["大气"], leadUnit: { name: "荷花池街道" }, state: "pending_ack" });
    const events = await json(await call(`/cases/${c.id}/events`, { token: tokens.disp }));
    expect(events.items).toMatchObject([{ kind: "created", kindLabel: "交办", actor: { userId: `api:${dispTokenId}` } }]);
    expect(await w.db.select().from(auditLog).where(and(eq(auditLog.action, "case.create"), eq(auditLog.actor, `api:${dispTokenId}`)))).toHaveLength(1);
    expect((await w.db.select().from(outbox).where(eq(outbox.caseId, c.id))).map((o) => o.target)).toContain("wecom:g-hh");
    const dup = await call("/cases", { token: tokens.disp, method: "POST", body: { content: "同一受理编号再次推送", leadUnit: "荷花池街道", externalNo: "D3SC202612010009" } });
    expect(dup.status).toBe(422);
    expect((await json(dup)).message).toContain("已是案件");
  });

  it("validates the body: missing fields, unknown keys, bad JSON, unknown unit, past date", async () => {
    const bad = async (body: unknown, status: number, text: string) => {
      const r = await call("/cases", { token: tokens.disp, method: "POST", body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect((await json(r)).message).toContain(text);
    };
    await bad({ leadUnit: "荷花池街道" }, 400, "交办问题基本情况");
    await bad({ content: "某处噪声扰民", leadUnit: "荷花池街道", color: "red" }, 400, "color");
    await bad("{not json", 400, "不是有效的 JSON");
    await bad({ content: "某处噪声扰民", leadUnit: "不存在街道" }, 422, "没有找到单位");
    await bad({ content: "某处噪声扰民", leadUnit: "荷花池街道", dueDate: "2020-01-01" }, 422, "不能早于今天");
    await bad({ content: "某处噪声扰民", leadUnit: "荷花池街道", pollutionTypes: ["光"] }, 400, "污染类型无效");
    expect((await w.db.select().from(cases).where(eq(cases.content, "某处噪声扰民")))).toHaveLength(0);
  });
});

describe("reference data", () => {
  it("lists units, people without contact details, and stats", async () => {
    const units = await json(await call("/units", { token: tokens.disp }));
    expect(units.items.map((u: { name: string }) => u.name)).toContain("区城管局");
    const people = await json(await call("/people", { token: tokens.disp }));
    expect(people.items.length).toBeGreaterThan(5);
    for (const p of people.items) expect(Object.keys(p).sort()).toEqual(["name", "roles", "unit", "userId"]);
    const stats = await json(await call("/stats", { token: tokens.disp }));
    expect(stats.totals.total).toBeGreaterThanOrEqual(3);
    // Issue 11: every unit but the office is listed; with fewer 应结件 than the policy's minimum none is ranked (rank null).
    expect(stats.units.map((u: { unit: { name: string } }) => u.unit.name).sort()).toEqual(["区城管局", "荷花池街道", "驷马桥街道"].sort());
    expect(stats.units[0]).toMatchObject({ rank: null, score: null, card: null });
    expect(stats.ranking.minCases).toBe(3);
  });
});

describe("the OpenAPI document", () => {
  it("is public, OpenAPI 3.1, and lists every route the API serves", async () => {
    const r = await call("/openapi.json");
    expect(r.status).toBe(200);
    const doc = await json(r);
    expect(doc.openapi).toBe("3.1.0");
    const served = routesOf(w.app).filter((x) => x.path.startsWith("/api/v1/"));
    expect(served.length).toBe(Object.keys(API_POLICY).length);
    for (const { method, path } of served) {
      const p = path.slice("/api/v1".length).replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[p]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
  });
});
