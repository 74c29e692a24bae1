/**
 * After a year's official holiday plan is loaded: deadlines counted in working days before it was known counted
 * its holidays as working days. Each open case due on or after the first newly loaded date is recomputed from the
 * deadline as typed (the `dueSpec` the 交办 recorded on its "created" event) when that is "N个工作日" and the due
 * date has not been changed since (an extension or a typed date is an agreed date, left alone). Cases without a
 * recorded spec are listed for the dispatcher instead of guessed. One atomic batch per case (case version + event +
 * audit); each unit's group is told once, by an outbox row in the batch of that unit's last changed case.
 */
import { and, eq, gte, inArray, notInArray } from "drizzle-orm";
import type { DeadlineSpec } from "../domain/values.js";
import { caseEvents, cases, groups, units } from "../db/schema.js";
import { commit, insertAudit, insertEvent, insertOutbox, newToken, updateCase, VersionConflict, type BatchItem } from "../db/write.js";
import type { Deps } from "../deps.js";
import { addWorkingDays, zonedTimeToUtc } from "../domain/calendar.js";
import { fmtDate } from "./text.js";
import { line, msg, strong, title } from "../domain/message.js";
import { targetOf } from "../domain/targets.js";

export type DueChange = { caseId: number; title: string; unitId: number | null; from: number; to: number };
export type Recomputed = { changed: DueChange[]; unknown: { caseId: number; title: string; dueAt: number }[] };

type Who = { now: number; actor: string; source?: string; year: number };

function workingSpec(data: Record<string, unknown> | null): DeadlineSpec | undefined {
  const s = data?.dueSpec as DeadlineSpec | undefined;
  return s && typeof s === "object" && typeof s.kind === "string" ? s : undefined;
}

/** `firstDate`: the earliest date the new plan loaded ('YYYY-MM-DD'); `deps.calendar()` must already include it. */
export async function recomputeDeadlines(deps: Deps, firstDate: string, who: Who): Promise<Recomputed> {
  const { db } = deps;
  const cal = await deps.calendar();
  const from = zonedTimeToUtc(firstDate, 0, 0, 0, 0, cal.timeZone);
  const open = await db
    .select({ id: cases.id, title: cases.title, unitId: cases.leadUnitId, dueAt: cases.dueAt, version: cases.version, createdAt: cases.createdAt })
    .from(cases)
    .where(and(notInArray(cases.state, ["closed", "cancelled"]), gte(cases.dueAt, from)))
    .orderBy(cases.leadUnitId, cases.id);
  if (!open.length) return { changed: [], unknown: [] };
  const created = await db
    .select({ caseId: caseEvents.caseId, data: caseEvents.data })
    .from(caseEvents)
    .where(and(eq(caseEvents.kind, "created"), inArray(caseEvents.caseId, open.map((c) => c.id))));
  const dataOf = new Map(created.map((e) => [e.caseId, e.data]));

  const out: Recomputed = { changed: [], unknown: [] };
  const plans: (DueChange & { version: number })[] = [];
  for (const c of open) {
    const data = dataOf.get(c.id) ?? null;
    const spec = workingSpec(data);
    if (!spec) {
      out.unknown.push({ caseId: c.id, title: c.title, dueAt: c.dueAt! });
      continue;
    }
    // Only a working-day count depends on the calendar, and only while the due date is still the one it gave.
    if (spec.kind !== "days" || !spec.working || data?.dueAt !== c.dueAt) continue;
    const to = addWorkingDays(cal, c.createdAt, spec.n);
    if (to !== c.dueAt) plans.push({ caseId: c.id, title: c.title, unitId: c.unitId, from: c.dueAt!, to, version: c.version });
  }
  if (!plans.length) return out;

  const [unitRows, groupRows] = await Promise.all([
    db.select({ id: units.id, name: units.name }).from(units),
    db.select({ chatId: groups.chatId, platform: groups.platform, unitId: groups.unitId, purpose: groups.purpose }).from(groups),
  ]);
  const command = groupRows.find((g) => g.purpose === "command");
  const groupOf = (unitId: number | null) => groupRows.find((g) => g.purpose === "unit" && g.unitId === unitId) ?? command;
  const tz = cal.timeZone;
  const byUnit = new Map<number | null, typeof plans>();
  for (const p of plans) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p]);

  for (const [unitId, list] of byUnit) {
    const group = groupOf(unitId);
    const name = unitRows.find((u) => u.id === unitId)?.name ?? "未指定单位";
    const message = (lines: DueChange[], key: string): BatchItem[] =>
      group && lines.length
        ? [insertOutbox(db, { key: `calendar:${who.year}:due:${unitId ?? "none"}:${who.now}${key}`, channel: "group", target: targetOf(group), at: who.now, payload: { mentions: [], message: msg(
            title(`办结时限调整 · ${name}`),
            `${who.year}年法定节假日安排已收录，以下案件按工作日重新计算办结时限：`,
            ...lines.map((l) => line("- ", strong(`#${l.caseId}`), ` ${l.title}：${fmtDate(l.from, tz)} → `, strong(fmtDate(l.to, tz)))),
          ) } })]
        : [];
    const done: DueChange[] = [];
    let told = false;
    for (const [i, p] of list.entries()) {
      const change = { caseId: p.caseId, title: p.title, unitId, from: p.from, to: p.to };
      const last = i === list.length - 1;
      const items: BatchItem[] = [
        ...updateCase(db, p.caseId, p.version, { dueAt: p.to }, newToken(), who.now),
        insertEvent(db, { caseId: p.caseId, at: who.now, actor: "system", kind: "note", text: `${who.year}年节假日安排已收录，办结时限由 ${fmtDate(p.from, tz)} 重算为 ${fmtDate(p.to, tz)}`, data: { dueRecomputed: { from: p.from, to: p.to, year: who.year } } }),
        insertAudit(db, { at: who.now, actor: who.actor, action: "case.due.recompute", object: `case:${p.caseId}`, result: "ok", source: who.source, detail: { from: p.from, to: p.to, year: who.year } }),
        // The unit's one message rides in its last case's batch: it exists exactly when that change does.
        ...(last ? message([...done, change], "") : []),
      ];
      try {
        await commit(db, items);
        done.push(change);
        out.changed.push(change);
        told ||= last;
      } catch (e) {
        // Someone changed the case meanwhile: its due date is theirs now; listed for the dispatcher.
        if (!(e instanceof VersionConflict)) throw e;
        out.unknown.push({ caseId: p.caseId, title: p.title, dueAt: p.from });
      }
    }
    // The last case lost a race: the cases that did change are still told, in a batch of their own.
    if (!told && done.length) {
      await commit(db, [...message(done, ":rest"), insertAudit(db, { at: who.now, actor: who.actor, action: "case.due.recompute.notice", object: `unit:${unitId ?? "none"}`, result: "ok", source: who.source, detail: { cases: done.map((d) => d.caseId) } })]);
    }
  }
  return out;
}
