/**
 * The dashboard's data pages under /dashboard: 总览, 台账 (+ export), case page (+ actions, dossier, files),
 * 单位排名, 导入. Every route has a role policy (default deny, R34); every POST checks the session's CSRF token.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { safeEqual } from "../../db/tokens.js";
import { requireRole, type WebEnv } from "../context.js";
import { serveAsset } from "./assets.js";
import { caseAction, casePage, revealComplainant } from "./case.js";
import { dossierPage } from "./dossier.js";
import { batchDossiersZip, dossierPdf } from "./dossier-pdf.js";
import { exportLedger, exportLedgerGet } from "./export.js";
import { serveFile, serveOriginal } from "./files.js";
import { importCommit, importPage, importPreview, importTemplate } from "./import.js";
import { ledgerPage } from "./ledger.js";
import { overviewPage } from "./overview.js";
import { rankingPage } from "./ranking.js";
import { DATA_PAGES_POLICY } from "./policy.js";
import { page, Notice } from "./shared.js";

/** Defence in depth beside the app-wide CSRF middleware: a session's POST must carry its token (R33). */
const csrfGuard: MiddlewareHandler<WebEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const user = c.get("user");
  if (user?.via === "session") {
    const header = c.req.header("x-csrf-token");
    const body = header ? undefined : (await c.req.parseBody())._csrf;
    const sent = header ?? (typeof body === "string" ? body : "");
    if (!user.csrf || !safeEqual(sent, user.csrf)) {
      return page(c, "请求已失效", undefined, Notice({ kind: "error", children: "页面已过期或请求来源无效，请刷新页面后重试。" }), 403);
    }
  }
  return next();
};

type Handler = (c: Parameters<typeof overviewPage>[0]) => Promise<Response> | Response;

/** Handlers by the policy table's key; routes are registered from the table, in its order. */
const HANDLERS: Record<keyof typeof DATA_PAGES_POLICY, Handler> = {
  "GET /dashboard": overviewPage,
  "GET /dashboard/cases": ledgerPage,
  "GET /dashboard/cases/export.xlsx": exportLedgerGet, // before /cases/:id, which would also match
  "POST /dashboard/cases/export.xlsx": exportLedger, // a POST: every export is audited (R33: no GET writes)
  "GET /dashboard/cases/:id": casePage,
  "GET /dashboard/cases/:id/dossier": dossierPage,
  "POST /dashboard/cases/:id/dossier.pdf": dossierPdf,
  "POST /dashboard/batches/:id/dossiers.zip": batchDossiersZip,
  "POST /dashboard/cases/:id/act": caseAction,
  "POST /dashboard/cases/:id/pii": revealComplainant,
  "GET /dashboard/files/:id": serveFile,
  "POST /dashboard/files/:id/original": serveOriginal,
  "GET /dashboard/ranking": rankingPage,
  "GET /dashboard/import": importPage,
  "GET /dashboard/import/template.xlsx": importTemplate,
  "POST /dashboard/import/preview": importPreview,
  "POST /dashboard/import/commit": importCommit,
  "GET /dashboard/assets/:name": serveAsset,
};

/** Mount at /dashboard. */
export function dashboardRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  for (const [key, roles] of Object.entries(DATA_PAGES_POLICY)) {
    const [method, full] = key.split(" ");
    const handler = HANDLERS[key];
    if (!handler) throw new Error(`no handler for ${key}`);
    const path = full.slice("/dashboard".length) || "/";
    r.on(method, path, requireRole(...roles), csrfGuard, (c) => handler(c));
  }
  return r;
}
