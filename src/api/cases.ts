/** /api/v1/cases: list (the ledger's filters), one case, its events, and create (through the 交办 use case). */
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { caseEventsOf, loadCaseDetail } from "../db/case-detail.js";
import { listCases, loadDirectory } from "../db/ledger.js";
import { cases } from "../db/schema.js";
import { canView } from "../domain/permissions.js";
import { createCase, type CreateCaseInput } from "../handlers/create-case.js";
import { DomainError } from "../handlers/errors.js";
import type { WebEnv } from "../env.js";
import { pagingProblem, toFilter } from "../db/ledger-query.js";
import { scopeOf, userOf } from "../http/auth.js";
import { actorOf, handlerCtx, runUseCase } from "../handlers/run.js";
import { similarAtIntake, type IntakeSimilar } from "../handlers/similar-intake.js";
import { assignTargets } from "../handlers/resolve.js";
import { BAD_JSON, domainError, notFound, readJson, validationError, zhCN } from "./errors.js";
import { createCaseBody, listQuery, type CreateCaseBody } from "./schemas.js";
import { caseJson, eventJson } from "./shapes.js";

type C = Context<WebEnv>;

export async function listCasesApi(c: C) {
  const q = listQuery.safeParse(c.req.query(), { error: zhCN });
  if (!q.success) return validationError(c, q.error);
  const deps = c.get("deps");
  const now = deps.clock();
  const tooFar = pagingProblem(q.data);
  if (tooFar) return c.json({ error: "VALIDATION", message: tooFar }, 400);
  const req = { page: q.data.page, cursor: q.data.cursor, pageSize: q.data.pageSize ?? 50 };
  const [dir, page] = await Promise.all([loadDirectory(deps.db), listCases(deps.db, toFilter(q.data), scopeOf(userOf(c)), now, req)]);
  // total is exact unless totalCapped (then "at least"); nextCursor fetches the next page at any depth.
  const { rows, total, capped, pageSize, pages, nextCursor, search, ignoredWords } = page;
  return c.json({ items: rows.map((r) => caseJson(r, dir, now)), total, totalCapped: capped, page: page.page, pageSize, pages, nextCursor: nextCursor ?? null, search: search ?? null, ignoredWords: ignoredWords ?? [] });
}

const idOf = (c: C) => {
  const n = Number(c.req.param("id"));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

export async function getCaseApi(c: C) {
  const id = idOf(c);
  const deps = c.get("deps");
  const detail = id ? await loadCaseDetail(deps.db, id) : undefined;
  if (!detail || !canView(userOf(c), detail.case)) return notFound(c);
  return c.json(caseJson(detail.case, await loadDirectory(deps.db), deps.clock()));
}

export async function caseEventsApi(c: C) {
  const id = idOf(c);
  const deps = c.get("deps");
  const detail = id ? await loadCaseDetail(deps.db, id) : undefined;
  if (!detail || !canView(userOf(c), detail.case)) return notFound(c);
  const dir = await loadDirectory(deps.db);
  return c.json({ items: (await caseEventsOf(deps.db, detail.case.id)).map((e) => eventJson(e, dir)) });
}

/** The 交办 input without its units and leader, which the API names as chat does (resolved in the use case's run). */
function assignInput(b: CreateCaseBody): Omit<CreateCaseInput, "leadUnitId" | "coUnitIds" | "leaderUserId"> {
  const [y, m, d] = (b.dueDate ?? "").split("-").map(Number);
  return {
    content: b.content,
    deadline: b.dueDate ? { kind: "date", year: y, month: m, day: d } : b.workingDays ? { kind: "days", n: b.workingDays, working: true } : undefined,
    priority: b.priority,
    externalNo: b.externalNo,
    complainant: b.complainant,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A suspected repeat as the API gives it (openapi.ts "Similar"). */
const similarJson = (s: IntakeSimilar) => ({ id: s.id, title: s.title, state: s.state, closedAt: iso(s.closedAt), unit: s.unit, area: s.area, score: s.score, reasons: s.reasons });

/**
 * POST /api/v1/cases — the chat's 交办 use case (permission, unit resolution, deadlines, pushes, audit) + our fields.
 * The answer also carries `similar`: earlier cases the complaint may repeat (issue 13), looked up after the case is
 * stored (so with its final 地址/区域/污染类型); a failed lookup gives [] and never undoes the 交办.
 */
export async function createCaseApi(c: C) {
  const raw = await readJson(c);
  if (raw === BAD_JSON) return c.json({ error: "VALIDATION", message: "请求体不是有效的 JSON" }, 400);
  const body = createCaseBody.safeParse(raw, { error: zhCN });
  if (!body.success) return validationError(c, body.error);
  const b = body.data;
  const deps = c.get("deps");
  try {
    const done = await runUseCase({ deps, actor: actorOf(userOf(c)), source: "api", action: "api.case.create" }, async (ctx) => {
      const targets = await assignTargets(ctx, { leadUnit: b.leadUnit, coUnits: b.coUnits, leader: b.leader });
      const out = await createCase({ ctx, input: { ...assignInput(b), ...targets } });
      // The fields chat does not carry, set on the row this batch inserts (found by its write token).
      // 污染类型 left out: the use case inferred them from the complaint (issue 11).
      const extra = { source: b.source, area: b.area ?? null, address: b.address ?? null, ...(b.pollutionTypes.length ? { pollutionTypes: b.pollutionTypes } : {}) };
      return { ...out, writes: [...out.writes, ctx.deps.db.update(cases).set(extra).where(eq(cases.writeToken, out.caseToken!))] };
    });
    const detail = done.caseId ? await loadCaseDetail(deps.db, done.caseId) : undefined;
    if (!detail) throw new Error("created case not found");
    const k = detail.case;
    const ctx = handlerCtx({ deps, actor: actorOf(userOf(c)), source: "api" });
    const similar = await similarAtIntake(ctx, { content: k.content, title: k.title, address: k.address, area: k.area, pollutionTypes: k.pollutionTypes, excludeId: k.id });
    return c.json({ ...caseJson(k, await loadDirectory(deps.db), deps.clock()), similar: similar.map(similarJson) }, 201, { Location: `/api/v1/cases/${k.id}` });
  } catch (e) {
    if (e instanceof DomainError) return domainError(c, e);
    throw e;
  }
}
