/**
 * The head of the command group's 每日通报 (issue 11): what leaders must decide (待审核 closures, 延期 requests, each
 * with its age), then every overdue case once, grouped by the policy's escalation steps and naming its 包案领导 and
 * the lead unit's head (@-mentioned on the day the case reaches a step), then the 挂牌 cases still on track.
 * Lists are printed in full up to LIST_MAX lines (the channel splits a long message into several); beyond that a
 * link to the 台账 filtered to the same cases, never a bare list of numbers.
 */
import { people, units } from "../db/schema.js";
import type { Db } from "../db/types.js";
import { flaggedOnTrack, pendingDecisions, type DecisionCase, type Decisions } from "../db/decisions.js";
import { overdueList, type OverdueRow } from "../db/unit-day-stats.js";
import { STATE_LABEL } from "../domain/labels.js";
import { line, link, muted, strong, warn, type Block, type Span } from "../domain/message.js";
import type { Calendar } from "../domain/calendar.js";
import type { Policy } from "../domain/policy.js";
import { fmtDate } from "../handlers/text.js";
import { prevWorkingDay, startOfDate } from "./business-time.js";
import { caseHead } from "./items.js";

/**
 * Cases a digest list prints in full: a district's whole list, while at city scale (12 k closures awaiting review,
 * 10 k overdue) the message stays a few WeCom chunks rather than dozens, and the rest are one tap away.
 */
export const LIST_MAX = 50;

export type LeadData = {
  /** `waited`: working days since submission or request (-1 unknown); `late`: working days past due, for those past it. */
  decisions: Decisions & { waited: Map<number, number>; late: Map<number, number> };
  /** Overdue cases not waiting on a decision, most overdue first (at most LIST_MAX); `overdueCount` is all of them. */
  overdue: (OverdueRow & { days: number })[];
  overdueCount: number;
  flagged: { rows: (DecisionCase & { left: number | null })[]; count: number };
  names: Map<string, string>;
  heads: Map<number, string>;
  ladder: Policy["ladderDays"];
  /** The dashboard's 台账 ("https://…/dashboard/cases"), when the public URL is known. */
  ledgerUrl?: string;
};

/**
 * The deadlines [from, to) of the cases that are `n` working days overdue on `today` (a working day): due on the n-th
 * working day before today, or on a day off after it. Those reach an escalation step today.
 */
function dueWindow(cal: Calendar, today: string, n: number): [number, number] {
  let hi = today;
  for (let i = 1; i < n; i++) hi = prevWorkingDay(cal, hi);
  return [startOfDate(prevWorkingDay(cal, hi), cal.timeZone), startOfDate(hi, cal.timeZone)];
}

/** Rows by id once, most overdue first. */
const merged = (lists: OverdueRow[][]) => [...new Map(lists.flat().map((r) => [r.id, r])).values()].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);

export async function loadLead(db: Db, cal: Calendar, today: string, at: number, workdays: (a: number, b: number) => number, policy: Pick<Policy, "ladderDays">, overdueTotal: number, dashboardUrl?: string): Promise<LeadData> {
  // The most overdue cases, and (however long the list) those reaching a step today, whose people are named and @-ed.
  const stepDays = [...new Set([policy.ladderDays.leader, policy.ladderDays.accountability])].filter((n) => n >= 1);
  const [decisions, head, flagged, ps, us, ...stepping] = await Promise.all([
    pendingDecisions(db, at, LIST_MAX),
    overdueList(db, at, LIST_MAX, { awaiting: false }),
    flaggedOnTrack(db, at, LIST_MAX),
    db.select({ userId: people.userId, name: people.name }).from(people),
    db.select({ id: units.id, head: units.headUserId }).from(units),
    ...stepDays.map((n) => {
      const [from, to] = dueWindow(cal, today, n);
      return overdueList(db, Math.min(to, at), LIST_MAX, { awaiting: false, dueFrom: from });
    }),
  ]);
  const overdue = merged([head, ...stepping]);
  const waited = new Map([...decisions.closures, ...decisions.extensions].map((c) => [c.id, c.since === null ? -1 : workdays(c.since, at)]));
  const pastDue = [...decisions.closures, ...decisions.extensions].filter((c) => c.dueAt !== null && c.dueAt < at);
  const late = new Map(pastDue.map((c) => [c.id, Math.max(1, workdays(c.dueAt!, at))]));
  return {
    decisions: { ...decisions, waited, late },
    // An urgent case may be listed on the day it fell due (0 working days): call it day 1, as the reminders do.
    overdue: overdue.map((o) => ({ ...o, days: Math.max(1, workdays(o.dueAt, at)) })),
    // (the figure comes from the aggregates; never below what was read, should they lag a bulk load before reindex)
    overdueCount: Math.max(overdue.length, overdueTotal - decisions.closuresOverdue - decisions.extensionsOverdue),
    flagged: { count: flagged.count, rows: flagged.rows.map((f) => ({ ...f, left: f.dueAt === null ? null : workdays(at, f.dueAt) })) },
    names: new Map(ps.map((p) => [p.userId, p.name])),
    heads: new Map(us.filter((u) => u.head).map((u) => [u.id, u.head!])),
    ladder: policy.ladderDays,
    ledgerUrl: dashboardUrl ? `${dashboardUrl.replace(/\/$/, "")}/dashboard/cases` : undefined,
  };
}

type Unit = (id: number | null) => string;
const head = (c: { id: number; title: string; priority: string; flagged: boolean }) => caseHead({ ...c, priority: c.priority as "normal" });
/** How long a decision has waited: a day is normal, two or more stand out. */
const age = (n: number | undefined, verb: string): Span[] =>
  n === undefined || n < 0 ? [] : n === 0 ? [` · 今日${verb}`] : n === 1 ? [" · 已等 1 个工作日"] : [" · ", warn(`已等 ${n} 个工作日`)];

/** "台账（已逾期）" as a link when the dashboard's address is known, else where to look. */
function more(d: LeadData, n: number, what: string, query: string, filter: string): Block {
  const where: Span = d.ledgerUrl ? link(`${d.ledgerUrl}?${query}`, `督办台 台账 · ${filter}`) : `督办台 台账（筛选：${filter}）`;
  return line(muted(`另有 ${n} 件${what}未逐条列出，全部见 `), where);
}

/** The escalation step a case is on, by working days overdue (policy.ladderDays), most severe first. */
function steps(l: Policy["ladderDays"]): { from: number; label: string }[] {
  const out = [
    { from: l.accountability, label: `已达问责时限（逾期 ${l.accountability} 个工作日及以上）` },
    { from: l.leader, label: `已升级包案领导（逾期 ${l.leader}–${l.accountability - 1} 个工作日）` },
    { from: 1, label: l.leader > 2 ? `逾期 1–${l.leader - 1} 个工作日` : "逾期 1 个工作日" },
  ];
  return out.filter((s, i) => i === 0 || s.from < out[i - 1].from);
}

/** The day a case reaches the 包案领导 or the 问责 step: the one day its people are @-ed in the command group. */
export const escalatesToday = (d: LeadData, days: number | undefined) => days === d.ladder.leader || days === d.ladder.accountability;

/** "已逾期 N 个工作日" for a decision past due, and "今日升级" on the day it reaches a step. */
function lateSpans(d: LeadData, id: number): Span[] {
  const days = d.decisions.late.get(id);
  if (!days) return [];
  return [" · ", warn(`已逾期 ${days} 个工作日`), ...(escalatesToday(d, days) ? [" · ", warn("今日升级")] : [])];
}

function who(d: LeadData, c: { leaderUserId: string | null; leadUnitId: number | null }): Span[] {
  const leader = c.leaderUserId ? `包案领导 ${d.names.get(c.leaderUserId) ?? c.leaderUserId}` : "未指定包案领导";
  const h = c.leadUnitId === null ? undefined : d.heads.get(c.leadUnitId);
  return [` · ${leader}`, h ? ` · 单位负责人 ${d.names.get(h) ?? h}` : ""];
}

/** Photo findings of a closure's submission (photo-flags.ts), shown on its line for the reviewer. */
export type PhotoNotes = Map<number, string[]>;

function decisionBlocks(d: LeadData, unit: Unit, tz: string, photos: PhotoNotes): Block[] {
  const x = d.decisions;
  if (!x.closureCount && !x.extensionCount) return [line(strong("待领导决定"), "：暂无待审核的办结和延期申请")];
  const out: Block[] = [line(strong("待领导决定"), `（办结待审核 ${x.closureCount} 件，延期申请 ${x.extensionCount} 件）`)];
  if (x.closureCount) {
    out.push(line(strong("办结待审核"), "（回复 通过 #N / 驳回 #N 原因）"));
    for (const c of x.closures) {
      const flags = photos.get(c.id);
      const seen: Span[] = flags?.length ? [" · ", warn("照片核查："), flags.join("；")] : [];
      out.push(line(...head(c), ` · ${unit(c.leadUnitId)}`, ...age(x.waited.get(c.id), "提交"), ...lateSpans(d, c.id), ...who(d, c), ...seen));
    }
    if (x.closureCount > x.closures.length) out.push(more(d, x.closureCount - x.closures.length, "待审核办结", "state=pending_review", "待审核"));
  }
  if (x.extensionCount) {
    out.push(line(strong("延期申请"), "（回复 同意延期 #N / 不同意延期 #N 原因）"));
    for (const c of x.extensions) {
      const ask = c.requestedDue === null ? "" : ` · 申请延期至 ${fmtDate(c.requestedDue, tz)}${c.dueAt === null ? "" : `（原时限 ${fmtDate(c.dueAt, tz)}）`}`;
      out.push(line(...head(c), ` · ${unit(c.leadUnitId)}${ask}`, ...age(x.waited.get(c.id), "申请"), ...lateSpans(d, c.id), ...who(d, c)));
    }
    if (x.extensionCount > x.extensions.length) out.push(line(muted(`另有 ${x.extensionCount - x.extensions.length} 件延期申请未逐条列出，请在督办台逐件查看`)));
  }
  return out;
}

function overdueBlocks(d: LeadData, unit: Unit): Block[] {
  const x = d.decisions;
  if (!d.overdueCount && !x.closuresOverdue && !x.extensionsOverdue) return [];
  const waiting = [x.closuresOverdue ? `待审核办结 ${x.closuresOverdue} 件` : "", x.extensionsOverdue ? `待批延期 ${x.extensionsOverdue} 件` : ""].filter(Boolean);
  const review = waiting.length ? `；另有逾期的${waiting.join("、")}，见“待领导决定”` : "";
  const out: Block[] = [line(strong("逾期案件"), `（${d.overdueCount} 件，按升级阶段，每件一行${review}）`)];
  const complete = d.overdue.length >= d.overdueCount;
  const ss = steps(d.ladder);
  ss.forEach((s, i) => {
    const mine = d.overdue.filter((c) => c.days >= s.from && (i === 0 || c.days < ss[i - 1].from));
    if (!mine.length) return;
    out.push(line(strong(s.label), complete ? ` · ${mine.length} 件` : ""));
    for (const c of mine) {
      const note = c.state === "pending_ack" ? "，尚未签收" : c.state === "returned" ? "，已退回待改派" : "";
      const today: Span[] = escalatesToday(d, c.days) ? [" · ", warn("今日升级")] : [];
      out.push(line(...head(c), ` · ${unit(c.leadUnitId)} · `, warn(`逾期 ${c.days} 个工作日`), note, ...who(d, c), ...today));
    }
  });
  if (!complete) out.push(more(d, d.overdueCount - d.overdue.length, "逾期案件", "overdue=1", "已逾期"));
  return out;
}

function flaggedBlocks(d: LeadData, unit: Unit, tz: string): Block[] {
  const f = d.flagged;
  if (!f.count) return [];
  const out: Block[] = [line(strong("挂牌督办"), `（${f.count} 件在办未逾期；逾期和待审核的挂牌案件见上文【挂牌】）`)];
  for (const c of f.rows) {
    const due = c.dueAt === null ? "" : ` · 时限 ${fmtDate(c.dueAt, tz)}（剩 ${c.left} 个工作日）`;
    out.push(line(...head(c), ` · ${unit(c.leadUnitId)} · ${STATE_LABEL[c.state as keyof typeof STATE_LABEL] ?? ""}${due}`, ...who(d, c)));
  }
  if (f.count > f.rows.length) out.push(more(d, f.count - f.rows.length, "挂牌案件", "flagged=1", "挂牌督办"));
  return out;
}

/** The blocks the command digest leads with. */
export function leadBlocks(d: LeadData, unit: Unit, tz: string, photos: PhotoNotes = new Map()): Block[] {
  return [...decisionBlocks(d, unit, tz, photos), ...overdueBlocks(d, unit), ...flaggedBlocks(d, unit, tz)];
}

/** People to @ in the command group: the 包案领导 and unit head of each case that reaches an escalation step today. */
export function leadMentions(d: LeadData): string[] {
  const out = new Set<string>();
  const waiting = [...d.decisions.closures, ...d.decisions.extensions].map((c) => ({ ...c, days: d.decisions.late.get(c.id) }));
  for (const c of [...d.overdue, ...waiting]) {
    if (!escalatesToday(d, c.days)) continue;
    if (c.leaderUserId) out.add(c.leaderUserId);
    const h = c.leadUnitId === null ? undefined : d.heads.get(c.leadUnitId);
    if (h) out.add(h);
  }
  return [...out];
}

/** Cases the lead sections print in full: reminder lines about them in the command group would repeat them. */
export function leadCases(d: LeadData): Set<number> {
  return new Set([...d.decisions.closures, ...d.decisions.extensions, ...d.overdue, ...d.flagged.rows].map((c) => c.id));
}
