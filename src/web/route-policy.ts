/**
 * Who may use each route (R34): one row per "METHOD path" exactly as `app.routes` lists it.
 * test/node/web-admin.test.ts walks every registered route × role against this table; a route missing here
 * fails that test (default deny). Add a row with every new route.
 */
import type { Role } from "../db/schema.js";
import { DATA_PAGES_POLICY } from "./pages/policy.js";
import { API_POLICY } from "../api/policy.js";

/**
 * - "public": anyone (sign-in pages, health check);
 * - "machine": authenticates by other means (WeCom's signature), no browser session involved;
 * - "simulator": the local chat simulator, mounted only in local mode, which has no accounts;
 * - "api": REST API — a Bearer API token, or a session, checked by the API's own middleware;
 * - a role list: only signed-in people holding one of these roles.
 */
export type Access = "public" | "machine" | "simulator" | "api" | readonly Role[];

const ADMIN = ["admin"] as const satisfies readonly Role[];
const AUDITOR = ["auditor"] as const satisfies readonly Role[];

/** Sign-in, sessions, security and administration (this file's owner: the auth/admin pages). */
export const AUTH_ADMIN_POLICY: Record<string, Access> = {
  "GET /healthz": "public",
  "GET /": "public",
  "GET /login": "public",
  "POST /login": "public",
  "GET /login/mfa": "public", // answers only to the __Host-duban_mfa cookie set after a right password (R30)
  "POST /login/mfa": "public",
  "POST /logout": "public", // ends the caller's own session, if any
  "GET /login/link/:token": "public",
  "POST /login/link/:token": "public",
  "GET /password/set/:token": "public", // the one-time link the bot sent the person (R34)
  "POST /password/set/:token": "public",

  "GET /sim": "simulator",
  "GET /sim/directory": "simulator",
  "POST /sim/messages": "simulator",
  "GET /sim/groups/:chatId/messages": "simulator",
  "GET /sim/stream": "simulator",
  "GET /wecom/callback": "machine",
  "POST /wecom/callback": "machine",
  "POST /dingtalk/callback": "machine",

  "GET /admin": ADMIN,
  "GET /admin/units": ADMIN,
  "POST /admin/units": ADMIN,
  "GET /admin/units/:id": ADMIN,
  "POST /admin/units/:id": ADMIN,
  "POST /admin/units/:id/active": ADMIN,
  "GET /admin/people": ADMIN,
  "POST /admin/people": ADMIN,
  "GET /admin/people/:id": ADMIN,
  "POST /admin/people/:id": ADMIN,
  "POST /admin/people/:id/active": ADMIN,
  "POST /admin/people/:id/sessions/end": ADMIN,
  "POST /admin/people/:id/password-link": ADMIN, // the bot sends the person a link; admins never set others' passwords (R34)
  "POST /admin/people/role-changes/:id/approve": ADMIN, // a different admin than the proposer (R34)
  "POST /admin/people/role-changes/:id/reject": ADMIN,
  "POST /admin/people/:id/mfa/reset": ADMIN,
  "GET /admin/roster": ADMIN,
  "POST /admin/roster/preview": ADMIN,
  "POST /admin/roster/apply": ADMIN,
  "GET /admin/groups": ADMIN,
  "POST /admin/groups": ADMIN,
  "GET /admin/groups/:id": ADMIN,
  "POST /admin/groups/:id": ADMIN,
  "POST /admin/groups/:id/robot-key": ADMIN,
  "POST /admin/groups/:id/dingtalk-robot": ADMIN,
  "GET /admin/calendar": ADMIN,
  "POST /admin/calendar": ADMIN,
  "POST /admin/calendar/:date/delete": ADMIN,
  "POST /admin/calendar/notice/preview": ADMIN, // the State Council's notice, parsed and shown before saving
  "POST /admin/calendar/notice": ADMIN, // saved with its audit row; deadlines recomputed (issue 14)
  "GET /admin/policy": ADMIN,
  "POST /admin/policy": ADMIN,
  "GET /admin/outbox": ADMIN,
  "POST /admin/outbox/:id/retry": ADMIN,
  "GET /admin/audit": AUDITOR, // separation of duties: the admin may not read the audit log
};

/** The whole table; the data pages and the REST API add their rows here (or in a table merged here). */
export const ROUTE_POLICY: Record<string, Access> = {
  ...AUTH_ADMIN_POLICY,
  ...DATA_PAGES_POLICY, // src/web/pages/policy.ts
  ...Object.fromEntries(Object.entries(API_POLICY).map(([k, v]) => [k, v === "public" ? "public" : "api"])), // src/api/policy.ts
};
