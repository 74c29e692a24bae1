/** 单位排名: the digest's fair ranking table, now or as it stood at the end of a past week (rebuilt from the timeline). */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { loadDirectory } from "../../db/ledger.js";
import { rankingFigures, rankUnits, type UnitStats } from "../../db/stats.js";
import { endOfDate, localDate } from "../../domain/calendar.js";
import { pct, unitName } from "./format.js";
import { Notice, page, scopeOf, userOf, type Ctx } from "./shared.js";
import { pastWeekEnds } from "./weeks.js";

const HISTORY_WEEKS = 8;
const query = z.object({ at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD").optional() });

function movement(prev: Map<number | null, number>, unitId: number | null, rank: number): string {
  const before = prev.get(unitId);
  if (before === undefined) return "新";
  return before === rank ? "—" : before > rank ? `↑${before - rank}` : `↓${rank - before}`;
}

export async function rankingPage(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const scope = scopeOf(user);
  const tz = deps.config.timezone;
  const now = deps.clock();
  const q = query.safeParse(c.req.query());
  if (!q.success) return page(c, "单位排名", "ranking", <Notice kind="error">{q.error.issues[0].message}</Notice>, 400);
  const today = localDate(now, tz);
  const date = q.data.at && q.data.at < today ? q.data.at : undefined;
  const at = date ? endOfDate(date, tz) : now;
  const [dir, { rows, prev: prevRows }] = await Promise.all([loadDirectory(deps.db), rankingFigures(deps.db, now, date ? at : undefined, at - 7 * 86_400_000)]);
  const rank = (xs: UnitStats[]) => rankUnits(xs.filter((r) => r.unitId !== null && dir.units.find((u) => u.id === r.unitId)?.kind !== "office"));
  const ranked = rank(rows);
  const prev = new Map(rank(prevRows).map((r, i) => [r.unitId, i + 1]));
  const shown = ranked.map((r, i) => ({ r, rank: i + 1 })).filter((x) => scope.all || x.r.unitId === scope.unitId);
  const snapshots = pastWeekEnds(now, tz, HISTORY_WEEKS);
  return page(
    c,
    "单位排名",
    "ranking",
    <>
      <h1>单位排名{date ? `（截至 ${date}）` : "（当前）"}</h1>
      <nav class="history card" aria-label="历史排名">
        <span class="muted">历史：</span>
        <a href="/dashboard/ranking" class={date ? "" : "on"}>当前</a>
        {snapshots.map((s) => (
          <a href={`/dashboard/ranking?at=${s.date}`} class={date === s.date ? "on" : ""}>{s.date.slice(5)}</a>
        ))}
      </nav>
      {!scope.all && shown.length ? <Notice kind="info">本单位在 {ranked.length} 个单位中排第 {shown[0].rank} 名。</Notice> : null}
      <table class="wide" id="ranking">
        <thead>
          <tr><th>名次</th><th>单位</th><th>交办</th><th>办结</th><th>完成率</th><th>按时办结率</th><th>逾期</th><th>反弹</th><th>较上周</th></tr>
        </thead>
        <tbody>
          {shown.map(({ r, rank }) => (
            <tr data-unit={String(r.unitId)}>
              <td>{rank}</td>
              <td><a href={`/dashboard/cases?unit=${r.unitId}`}>{unitName(dir, r.unitId)}</a></td>
              <td>{r.total}</td>
              <td>{r.closed}{r.staged ? <span class="muted small">（阶段性 {r.staged}）</span> : null}</td>
              <td><strong>{pct(r.completionRate)}</strong></td>
              <td>{pct(r.onTimeRate)}</td>
              <td class={r.overdue ? "warn" : ""}>{r.overdue}</td>
              <td class={r.rebounds ? "warn" : ""}>{r.rebounds}</td>
              <td>{movement(prev, r.unitId, rank)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 ? <Notice kind="info">暂无数据。</Notice> : null}
      <p class="muted small">
        排名规则：完成率高者在前；相同则比按时办结率，再比逾期数（少者在前）、反弹数（少者在前）。历史排名按当前案件记录推算当时的数字（截至当日收到、办结和已到期未办结的案件；已撤销的不计，牵头单位、时限与反弹次数取当前值）。
      </p>
    </>,
  );
}
