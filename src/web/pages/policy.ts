/**
 * Who may use each data page (R34), in the shape of src/web/route-policy.ts ("METHOD path" as `app.routes`
 * lists it). The router is built from this table, so a page cannot exist without its row.
 */
import type { Role } from "../../db/schema.js";

/** Who reads case data: the office, the accountability group, the admin (read-only) and unit people (own unit only). */
export const READ_ROLES = ["dispatcher", "leader", "accountability", "admin", "unit_head", "officer"] as const satisfies readonly Role[];
/** Who may act from the case page; each use case still checks the exact action (domain/permissions). */
export const ACT_ROLES = ["dispatcher", "leader"] as const satisfies readonly Role[];
export const IMPORT_ROLES = ["dispatcher", "leader"] as const satisfies readonly Role[];
/** Who may download a photo's untouched original (GPS, device): the office's evidence holders (R37). */
export const EVIDENCE_ROLES = ["dispatcher", "leader"] as const satisfies readonly Role[];

export const DATA_PAGES_POLICY: Record<string, readonly Role[]> = {
  "GET /dashboard": READ_ROLES,
  "GET /dashboard/cases": READ_ROLES,
  "GET /dashboard/cases/export.xlsx": READ_ROLES, // redirects to the ledger, whose 导出 Excel posts
  "POST /dashboard/cases/export.xlsx": READ_ROLES, // audited: who, which filter, how many rows
  "GET /dashboard/cases/:id": READ_ROLES,
  "GET /dashboard/cases/:id/dossier": READ_ROLES,
  "POST /dashboard/cases/:id/dossier.pdf": READ_ROLES, // a POST: every PDF download is audited (issue 14)
  "POST /dashboard/batches/:id/dossiers.zip": READ_ROLES, // closed cases of a batch the user may see, one PDF each
  "POST /dashboard/cases/:id/act": ACT_ROLES,
  "POST /dashboard/cases/:id/pii": READ_ROLES, // the office only in effect: others get 403 and a denied audit row
  "GET /dashboard/files/:id": READ_ROLES, // photos without metadata (R37)
  "POST /dashboard/files/:id/original": EVIDENCE_ROLES, // a POST because every read of an original is audited
  "GET /dashboard/ranking": READ_ROLES,
  "GET /dashboard/import": IMPORT_ROLES,
  "GET /dashboard/import/template.xlsx": IMPORT_ROLES, // the blank hand-over template (no data, nothing written)
  "POST /dashboard/import/preview": IMPORT_ROLES,
  "POST /dashboard/import/commit": IMPORT_ROLES,
  "GET /dashboard/assets/:name": READ_ROLES,
};
