/** JSON shapes of the API (documented in openapi.ts): instants as ISO 8601, names beside ids, no complainant PII. */
import type { CaseEventRow } from "../db/case-detail.js";
import type { CaseRow, Directory } from "../db/ledger.js";
import { STATE_LABEL } from "../domain/labels.js";
import { isOverdue } from "../domain/lifecycle.js";
import { EVENT_LABEL } from "../domain/labels.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function unitRef(dir: Directory, id: number | null) {
  if (id === null) return null;
  return { id, name: dir.units.find((u) => u.id === id)?.name ?? null };
}
const personRef = (dir: Directory, userId: string | null) => (userId ? { userId, name: dir.names.get(userId) ?? null } : null);

export function caseJson(c: CaseRow, dir: Directory, now: number) {
  const batch = dir.batches.find((b) => b.id === c.batchId);
  return {
    id: c.id,
    externalNo: c.externalNo,
    source: c.source,
    batch: batch ? { id: batch.id, name: batch.name, receivedOn: batch.receivedOn } : null,
    title: c.title,
    content: c.content,
    address: c.address,
    area: c.area,
    pollutionTypes: c.pollutionTypes,
    categories: c.categories,
    leadUnit: unitRef(dir, c.leadUnitId),
    coUnits: c.coUnitIds.map((id) => unitRef(dir, id)),
    officer: personRef(dir, c.officerUserId),
    leader: personRef(dir, c.leaderUserId),
    priority: c.priority,
    flagged: c.flagged,
    state: c.state,
    stateLabel: STATE_LABEL[c.state],
    overdue: isOverdue(c, now),
    ackBy: iso(c.ackBy),
    dueAt: iso(c.dueAt),
    acknowledgedAt: iso(c.acknowledgedAt),
    submittedAt: iso(c.submittedAt),
    closedAt: c.state === "closed" ? iso(c.closedAt) : null,
    outcome: c.outcome,
    milestoneAt: iso(c.milestoneAt),
    returnCount: c.returnCount,
    reboundCount: c.reboundCount,
    closure: {
      finding: c.finding,
      verdict: c.verdict,
      rectification: c.rectification,
      handlingClass: c.handlingClass,
      accountableParty: c.accountableParty,
      accountabilityAction: c.accountabilityAction,
      penaltyAmount: c.penaltyAmount,
      callbackResult: c.callbackResult,
      callbackNote: c.callbackNote,
    },
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    version: c.version,
  };
}

export function eventJson(e: CaseEventRow, dir: Directory) {
  return { id: e.id, at: iso(e.at), kind: e.kind, kindLabel: EVENT_LABEL[e.kind] ?? e.kind, actor: personRef(dir, e.actorUserId), text: e.text, data: e.data };
}
