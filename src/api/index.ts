/**
 * The REST API under /api/v1 (spec §7) for a 12345 platform or the city system: cases (list, get, create,
 * events), units, people, stats, and its OpenAPI 3.1 document. Token or session auth; JSON errors in Chinese.
 */
import { Hono, type Context } from "hono";
import type { WebEnv } from "../env.js";
import { requireRole } from "../http/auth.js";
import { bearerAuth } from "./auth.js";
import { caseEventsApi, createCaseApi, getCaseApi, listCasesApi } from "./cases.js";
import { peopleApi, statsApi, unitsApi } from "./directory.js";
import { openApiDocument } from "./openapi.js";
import { API_POLICY } from "./policy.js";

type Handler = (c: Context<WebEnv>) => Promise<Response> | Response;

const HANDLERS: Record<keyof typeof API_POLICY, Handler> = {
  "GET /api/v1/openapi.json": (c) => c.json(openApiDocument(), 200, { "Cache-Control": "public, max-age=300" }),
  "GET /api/v1/cases": listCasesApi,
  "POST /api/v1/cases": createCaseApi,
  "GET /api/v1/cases/:id": getCaseApi,
  "GET /api/v1/cases/:id/events": caseEventsApi,
  "GET /api/v1/units": unitsApi,
  "GET /api/v1/people": peopleApi,
  "GET /api/v1/stats": statsApi,
};

/** Mount at /api/v1. */
export function apiRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.use("*", bearerAuth());
  for (const [key, access] of Object.entries(API_POLICY)) {
    const [method, full] = key.split(" ");
    const handler = HANDLERS[key];
    const path = full.slice("/api/v1".length);
    if (access === "public") r.on(method, path, (c) => handler(c));
    else r.on(method, path, requireRole(...access), (c) => handler(c));
  }
  return r;
}
