/**
 * 每日通报 (08:30 on working days): the command group gets the whole district — first what leaders must decide,
 * every overdue case once by escalation step and the 挂牌 cases (digest-lead.ts, issue 11), then totals by source
 * and batch, completion rate, changes since the last digest and the fair per-unit ranking;
 * each unit group gets only its own slice. Figures come from the aggregates kept by triggers
 * (src/db/unit-day-stats.ts) and the overdue list is read only as far as it is printed, so the work does not
 * grow with the number of cases (issue 12).
 */
import { units } from "../db/schema.js";
import type { Db } from "../db/types.js";
import { changesByUnit, sumChanges, totals, type Changes, type Figures, type KeyedStats, type UnitStats } from "../db/stats.js";
import { figuresByBatch, figuresBySource, figuresByUnit } from "../db/unit-day-stats.js";
import { loadPolicy } from "../db/policy.js";
import type { Policy } from "../domain/policy.js";
import { leadBlocks, leadCases, LIST_MAX, loadLead, type LeadData } from "./digest-lead.js";
import { localDate, type Calendar } from "../domain/calendar.js";
import { line, muted, strong, title, warn, type Block, type Span } from "../domain/message.js";
import { fmtDate, fmtDateTime } from "../handlers/text.js";
import { flaggedSubmissions, type FlaggedSubmission } from "./photo-flags.js";
import { capped } from "./sections.js";
import { digestRanking, rankingLines, unitPlace, type DigestRanking } from "./ranking-lines.js";
import { loadRepeatPlaces, repeatLines, type RepeatData } from "./repeat-lines.js";

export type DigestData = {
  at: number;
  tz: string;
  unitNames: Map<number | null, string>;
  stats: UnitStats[];
  /** 单位排名 (ranking-lines.ts): every unit, ranked by the fair score of domain/fair-rank. */
  ranking: DigestRanking;
  total: Figures;
  bySource: KeyedStats[];
  byBatch: KeyedStats[];
  /** Changes are counted from here (the previous working day's digest time) to `at`. */
  since: number;
  changes: Changes[];
  /** 待领导决定, the overdue list by escalation step and the 挂牌 cases: what the command digest leads with. */
  lead: LeadData;
  /** 办结 submissions since `since` whose photos were flagged (issue 10). */
  flaggedPhotos: FlaggedSubmission[];
  /** 反复投诉: cases that got a repeat complaint (并案) since `since` (issue 13, repeat-lines.ts). */
  repeats: RepeatData;
};

/** Cases a digest list may name: `lines` in full and up to this many more by number (see capped). */
export const OVERDUE_NUMBERS = 100;

/** `o.policy` (else read here) gives the escalation steps; `o.dashboardUrl` the public address for links to the 台账. */
export async function loadDigest(db: Db, cal: Calendar, at: number, since: number, workdays: (a: number, b: number) => number, lines: number, o: { policy?: Policy; dashboardUrl?: string } = {}): Promise<DigestData> {
  const [stats, bySource, byBatch, changes, policy, us, flaggedPhotos, repeats] = await Promise.all([
    figuresByUnit(db, at),
    figuresBySource(db, at),
    figuresByBatch(db, at),
    changesByUnit(db, since, at),
    o.policy ?? loadPolicy(db),
    db.select({ id: units.id, name: units.name, kind: units.kind, active: units.active }).from(units),
    flaggedSubmissions(db, since, at),
    loadRepeatPlaces(db, since, at, lines + OVERDUE_NUMBERS),
  ]);
  const total = totals(stats);
  const lead = await loadLead(db, cal, localDate(at, cal.timeZone), at, workdays, policy, total.overdue, o.dashboardUrl);
  return {
    at,
    tz: cal.timeZone,
    unitNames: new Map(us.map((u) => [u.id, u.name])),
    stats,
    ranking: digestRanking(stats, us, policy),
    total,
    bySource,
    byBatch,
    since,
    changes,
    lead,
    flaggedPhotos,
    repeats,
  };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const name = (d: DigestData, id: number | null) => d.unitNames.get(id) ?? "未指定单位";

function figureLines(f: Figures): Span[][] {
  return [
    ["案件 ", strong(String(f.total)), " 件，办结 ", strong(String(f.closed)), ` 件（其中阶段性 ${f.staged}），完成率 `, strong(pct(f.completionRate)), `，按时办结率 ${f.closed ? pct(f.onTimeRate) : "—"}`],
    [`办理中 ${f.open} 件，`, f.overdue ? warn(`逾期 ${f.overdue} 件`) : "逾期 0 件", `，反弹 ${f.rebounds} 次`],
  ];
}

function changeLine(d: DigestData, c: Omit<Changes, "unitId">): Block {
  return line(strong("较上期"), `（${fmtDateTime(d.since, d.tz)} 以来）：新增 ${c.created}，办结 ${c.closed}，反弹 ${c.rebounds}，新增逾期 ${c.newlyOverdue}`);
}

const keyedLine = (rows: KeyedStats[], blank: string) => rows.map((r) => `${r.key ?? blank} ${r.closed}/${r.total}`).join(" · ");

/** A title, with "（补发，原定 08:30）" when the digest is sent after its time (R22). */
const heading = (text: string, late?: string): Block => (late ? title(text, muted(`（补发，原定 ${late}）`)) : title(text));

/** The command group's digest. `late` labels a digest sent after its time (R22). */
export function commandDigest(d: DigestData, o: { late?: string; lines: number }): Block[] {
  const [first, second] = figureLines(d.total);
  // A 待审核 closure's photo findings go on its line under 待领导决定; the section below keeps the others.
  const listed = leadCases(d.lead);
  const photos = d.flaggedPhotos.filter((f) => !listed.has(f.caseId));
  const out = [heading(`每日通报 · ${fmtDate(d.at, d.tz)}`, o.late), ...leadBlocks(d.lead, (id) => name(d, id), d.tz, new Map(d.flaggedPhotos.map((f) => [f.caseId, f.flags]))), line("全区", ...first), line(...second), changeLine(d, sumChanges(d.changes))];
  if (d.bySource.length) out.push(line(strong("按来源"), `（办结/总数）：${keyedLine(d.bySource, "未注明")}`));
  if (d.byBatch.some((b) => b.key !== null)) out.push(line(strong("按批次"), `（办结/总数）：${keyedLine(d.byBatch, "未分批")}`));
  if (photos.length) {
    // Findings for the reviewer, not verdicts: the leader looks at the photos side by side on the case page.
    out.push(line(strong("照片核查提示"), `（${photos.length} 件办结申请，审核时请核实）`));
    out.push(...capped(photos, LIST_MAX, (f) => [`#${f.caseId} ${f.title} · ${name(d, f.leadUnitId)}：${f.flags.join("；")}`], (f) => f.caseId, 100));
  }
  out.push(...repeatLines(d.repeats, (id) => name(d, id), o.lines, OVERDUE_NUMBERS, d.lead.ledgerUrl));
  out.push(...rankingLines(d.ranking, (id) => name(d, id)));
  return out;
}

/** A unit group's slice: only its own figures and its place in the ranking; undefined when it has no cases. */
export function unitDigest(d: DigestData, unitId: number, o: { late?: string }): Block[] | undefined {
  const s = d.stats.find((r) => r.unitId === unitId);
  if (!s) return undefined;
  const change = d.changes.find((c) => c.unitId === unitId) ?? { created: 0, closed: 0, rebounds: 0, newlyOverdue: 0 };
  const [first, second] = figureLines(s);
  return [heading(`${name(d, unitId)} · 每日通报 ${fmtDate(d.at, d.tz)}`, o.late), line("本单位", ...first, unitPlace(d.ranking, unitId)), line(...second), changeLine(d, change)];
}
