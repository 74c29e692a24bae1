/**
 * Node only: the chinese-days data read from node_modules at start, not from the bundle, so installing a newer
 * package (npm install chinese-days@latest) brings its new years in at the next start without a rebuild (issue 14).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { calendarFromPackage, plannedYears, type CalendarRow, type ChineseDaysData } from "../domain/calendar.js";
import { loadCalendar, loadPackageCalendar, seedCalendar } from "./calendar-seed.js";
import type { Db } from "./types.js";

/** The installed package's rows; the bundled copy when node_modules has none (an offline package without it). */
export function installedPackageCalendar(): CalendarRow[] {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve("chinese-days/dist/chinese-days.json");
  } catch {
    return loadPackageCalendar();
  }
  return calendarFromPackage(JSON.parse(readFileSync(file, "utf8")) as ChineseDaysData);
}

/**
 * Seed from the installed package; returns the first date of the years it planned that were not planned before
 * (their deadlines need recomputing), or undefined when it brought no new year.
 */
export async function seedInstalledCalendar(db: Db, timeZone: string, rows: readonly CalendarRow[] = installedPackageCalendar()): Promise<string | undefined> {
  const before = plannedYears(await loadCalendar(db, timeZone));
  const inserted = await seedCalendar(db, rows);
  if (!inserted || before.size === 0) return undefined; // a fresh database: nothing was computed before
  const fresh = rows.filter((r) => !before.has(Number(r.date.slice(0, 4))) && r.kind === "holiday");
  return fresh.length ? fresh.reduce((a, r) => (r.date < a ? r.date : a), fresh[0].date) : undefined;
}
