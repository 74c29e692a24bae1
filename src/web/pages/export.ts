/** GET /dashboard/cases/export.xlsx — the ledger under the current filters, in the public disclosure layout. */
import { roundsOfCases } from "../../db/case-detail.js";
import { allCases, loadDirectory } from "../../db/ledger.js";
import { photoCheckTexts } from "../../db/photo-flag-summary.js";
import { localDate } from "../../domain/calendar.js";
import { ledgerXlsx } from "../excel/export-rows.js";
import { issuesText, ledgerQuery, toFilter } from "./ledger-filter.js";
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
  const [rounds, photoChecks] = await Promise.all([roundsOfCases(deps.db, ids), photoCheckTexts(deps.db, ids)]);
  const bytes = await ledgerXlsx(rows, { dir, calendar, now, rounds, photoChecks });
  const day = localDate(now, deps.config.timezone);
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
