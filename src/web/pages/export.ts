/**
 * POST /dashboard/cases/export.xlsx — the ledger under the current filters (query string), in the public disclosure
 * layout. Every export is audited — who, which filter, how many rows, which format (issue 16 item 8) — so it is a
 * POST: no GET may write (R33). The audit row is committed before a byte of the file leaves.
 */
import { roundsOfCases } from "../../db/case-detail.js";
import { linksOfCases } from "../../db/case-links.js";
import { allCases, loadDirectory } from "../../db/ledger.js";
import { photoCheckTexts } from "../../db/photo-flag-summary.js";
import { commit, insertAudit } from "../../db/write.js";
import { localDate } from "../../domain/calendar.js";
import { maskPii } from "../../domain/pii.js";
import { ledgerXlsx } from "../excel/export-rows.js";
import { qs } from "./format.js";
import { issuesText, ledgerQuery, toFilter, toParams } from "../../db/ledger-query.js";
import { scopeOf, userOf, type Ctx } from "./shared.js";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(asciiName: string, utf8Name: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(utf8Name)}`;
}

export async function exportLedger(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const parsed = ledgerQuery.safeParse(c.req.query());
  if (!parsed.success) return c.text(`筛选条件有误：${issuesText(parsed.error)}`, 400);
  const now = deps.clock();
  const [dir, rows, calendar] = await Promise.all([loadDirectory(deps.db), allCases(deps.db, toFilter(parsed.data), scopeOf(user), now), deps.calendar()]);
  const ids = rows.map((r) => r.id);
  const [rounds, photoChecks, links] = await Promise.all([roundsOfCases(deps.db, ids), photoCheckTexts(deps.db, ids), linksOfCases(deps.db, ids)]);
  const bytes = await ledgerXlsx(rows, { dir, calendar, now, rounds, photoChecks, links });
  const day = localDate(now, deps.config.timezone);
  // Only the filters that were set; a search term may hold a phone number, so it is masked like any free text (R39).
  const filter = Object.fromEntries(Object.entries(toParams(parsed.data)).filter(([, v]) => v !== undefined).map(([k, v]) => [k, k === "q" ? maskPii(String(v)) : v]));
  await commit(deps.db, [insertAudit(deps.db, { at: now, actor: user.userId, action: "ledger.export", result: "ok", source: "web", detail: { format: "xlsx", rows: rows.length, filter } })]);
  deps.log.info("ledger exported", { userId: user.userId, rows: rows.length });
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": XLSX_MIME,
      "Content-Disposition": attachmentHeader(`duban-ledger-${day}.xlsx`, `督办台账-${day}.xlsx`),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** GET of the old export link (bookmarks): back to the ledger with the same filters, where 导出 Excel posts. */
export function exportLedgerGet(c: Ctx) {
  const parsed = ledgerQuery.safeParse(c.req.query());
  return c.redirect(`/dashboard/cases${parsed.success ? qs(toParams(parsed.data)) : ""}`, 303);
}
