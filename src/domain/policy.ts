/** Every number of the office's policy, stored as data (table `policies`) with these defaults. */
export type Policy = {
  ackWorkingDays: number; // 待签收 limit
  urgentAckHours: number; // 紧急 cases
  defaultDueWorkingDays: number; // when 交办 names no deadline
  chaseMinIntervalMinutes: number; // 催办 rate limit per case
  dueSoonWorkingDays: number; // 黄灯
  ladderDays: { officer: number; leader: number; accountability: number }; // overdue escalation (working days)
  patrolOffsetsDays: number[]; // 防反弹 patrols after closure
  digestTime: string; // HH:mm business time
  quietHours: { start: string; end: string };
  mentionsPerPersonPerDay: number;
  cards: { red: number; yellow: number }; // thresholds on the fair ranking score (domain/fair-rank) for 红/黄/绿牌 (below red → 红牌)
  rankMinCases: number; // 应结件 a unit needs before it is ranked and carded (issue 11)
  urgentIgnoresQuietHours: boolean; // 紧急 ack/overdue reminders may go out at night and on days off
  runBudgetItems: number; // case reminders per scheduled run; the rest continue on the next run (R24)
  runLeaseSeconds: number; // a scheduled run's lease; a dead holder's lease lapses after this (R21)
  lateDigestAfterMinutes: number; // a morning digest sent later than this is labelled 补发 (R22)
  listLinesPerSection: number; // detailed lines per message section; further cases are listed by number only
  photoOldDays: number; // a photo taken this many days before its upload is flagged (issue 10)
  photoFarMeters: number; // a photo taken this far from the case's earlier photos is flagged (issue 10)
};

export const DEFAULT_POLICY: Policy = {
  ackWorkingDays: 1,
  urgentAckHours: 2,
  defaultDueWorkingDays: 15,
  chaseMinIntervalMinutes: 60,
  dueSoonWorkingDays: 2,
  ladderDays: { officer: 1, leader: 3, accountability: 7 },
  patrolOffsetsDays: [7, 30, 90],
  digestTime: "08:30",
  quietHours: { start: "20:00", end: "08:00" },
  mentionsPerPersonPerDay: 1,
  cards: { red: 0.4, yellow: 0.7 }, // on the score (a lower bound): 6/10 or 11/20 on time is red, 18/20 or 7/7 green
  rankMinCases: 3, // with the Wilson bound doing the weighing, this only keeps 1–2 case records out
  urgentIgnoresQuietHours: true,
  runBudgetItems: 200,
  runLeaseSeconds: 60,
  lateDigestAfterMinutes: 15,
  listLinesPerSection: 15,
  photoOldDays: 3,
  photoFarMeters: 1000,
};

/** Merge stored rows (key → JSON value) over the defaults; unknown keys are ignored. */
export function mergePolicy(rows: { key: string; value: unknown }[]): Policy {
  const p: Record<string, unknown> = structuredClone(DEFAULT_POLICY);
  for (const r of rows) if (r.key in p) p[r.key] = r.value;
  return p as Policy;
}
