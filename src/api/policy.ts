/**
 * Who may call each REST route (R34): roles of the Bearer token or the signed-in person. Default deny — the
 * router is built from this table. In the app-wide table (src/web/route-policy.ts) these rows are "api".
 */
import type { Role } from "../db/schema.js";

const READ = ["dispatcher", "leader", "accountability", "admin", "unit_head", "officer"] as const satisfies readonly Role[];
const OFFICE = ["dispatcher", "leader"] as const satisfies readonly Role[];
const DIRECTORY = ["dispatcher", "leader", "accountability", "admin"] as const satisfies readonly Role[];

/** "METHOD path" under /api/v1 → roles; `public` for the OpenAPI document. */
export const API_POLICY: Record<string, readonly Role[] | "public"> = {
  "GET /api/v1/openapi.json": "public",
  "GET /api/v1/cases": READ,
  "POST /api/v1/cases": OFFICE,
  "GET /api/v1/cases/:id": READ,
  "GET /api/v1/cases/:id/events": READ,
  "GET /api/v1/units": READ,
  "GET /api/v1/people": DIRECTORY,
  "GET /api/v1/stats": READ,
};
