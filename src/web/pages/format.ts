/** Small formatting helpers shared by the dashboard pages (business time zone, Chinese labels). */
import { localDate, localParts } from "../../domain/calendar.js";
import type { Directory } from "../../db/ledger.js";

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "2026-12-01" in the business zone, or "—". */
export const ymd = (ms: number | null | undefined, tz: string) => (ms === null || ms === undefined ? "—" : localDate(ms, tz));

/** "2026-12-01 09:05" in the business zone. */
export function ymdHm(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${localDate(ms, tz)} ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

export const unitName = (dir: Directory, id: number | null) => (id === null ? "未指定" : (dir.units.find((u) => u.id === id)?.name ?? `单位${id}`));
export const personName = (dir: Directory, userId: string | null) => (userId ? (dir.names.get(userId) ?? userId) : "—");

export { EVENT_LABEL } from "../../domain/labels.js";

/** A query string from a record, skipping empty values (for paging and export links). */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "" && v !== false) u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}
