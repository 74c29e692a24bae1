/** 单位排名: the fair ranking table (domain/fair-rank), now or as it stood at the end of a past week (rebuilt from the aggregates). */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { loadDirectory } from "../../db/ledger.js";
import { loadPolicy } from "../../db/policy.js";
import { rankingFigures, rankOptions, rankUnits, type RankedUnit, type UnitStats } from "../../db/stats.js";
import { endOfDate, localDate } from "../../domain/calendar.js";
import { CARD_NAME, cardNote, pct, score100, scoreNote, type Card } from "../../domain/fair-rank.js";
import { unitName } from "./format.js";
import { Notice, page, scopeOf, userOf, type Ctx } from "./shared.js";
import { pastWeekEnds } from "./weeks.js";

const HISTORY_WEEKS = 8;
const query = z.object({ at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD").optional() });
const CARD_CLASS: Record<Card, string> = { red: "t-bad", yellow: "t-warn", green: "t-ok" };
/** Column headers; each cell repeats its header as data-label, which the phone layout prints beside the value. */
const COLS = ["名次", "单位", "评分", "评牌", "应结件", "按期办结率", "交办", "办结", "逾期", "反弹", "较上周"] as const;

function movement(prev: Map<number | null, number>, r: RankedUnit): string {
  if (r.rank === null) return "—";
  const before = prev.get(r.unitId);
  if (before === undefined) return "新";
  return before === r.rank ? "持平" : before > r.rank ? `↑${before - r.rank}` : `↓${r.rank - before}`;
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
  const [dir, policy, { rows, prev: prevRows }] = await Promise.all([loadDirectory(deps.db), loadPolicy(deps.db), rankingFigures(deps.db, now, date ? at : undefined, at - 7 * 86_400_000)]);
  const opts = rankOptions(policy);
  const rank = (xs: UnitStats[]) => rankUnits(xs, dir.units, opts);
  const ranked = rank(rows);
  const prev = new Map(rank(prevRows).filter((r) => r.rank !== null).map((r) => [r.unitId, r.rank!]));
  const shown = ranked.filter((r) => scope.all || r.unitId === scope.unitId);
  const rankedCount = ranked.filter((r) => r.rank !== null).length;
  const snapshots = pastWeekEnds(now, tz, HISTORY_WEEKS);
  const own = !scope.all ? shown[0] : undefined;
  const cell = (i: number) => ({ "data-label": COLS[i] });
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
      <p class="muted small" id="score-note">{scoreNote(opts.minCases)}{cardNote(opts.cards)}</p>
      {own ? (
        <Notice kind="info">
          {own.rank !== null
            ? `本单位在 ${rankedCount} 个参与排名的单位中排第 ${own.rank} 名，评分 ${score100(own.score)}。`
            : `本单位应结件 ${own.due} 件，不足 ${Math.max(1, opts.minCases)} 件，暂不排名。`}
        </Notice>
      ) : null}
      <table class="wide labeled" id="ranking">
        <thead>
          <tr>{COLS.map((h) => <th>{h}</th>)}</tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr data-unit={String(r.unitId)} data-rank={r.rank === null ? "" : String(r.rank)} class={r.rank === null ? "unranked" : ""}>
              <td {...cell(0)}>{r.rank ?? <span class="muted">不排名</span>}</td>
              <td {...cell(1)}><a href={`/dashboard/cases?unit=${r.unitId}`}>{unitName(dir, r.unitId)}</a></td>
              <td {...cell(2)}><strong>{score100(r.score)}</strong></td>
              <td {...cell(3)}>{r.card ? <span class={`tag ${CARD_CLASS[r.card]}`}>{CARD_NAME[r.card]}</span> : "—"}</td>
              <td {...cell(4)}>{r.due}</td>
              <td {...cell(5)}>{pct(r.onTimeShare)}{r.due ? <span class="muted small">（{r.closedOnTime}/{r.due}）</span> : null}</td>
              <td {...cell(6)}>{r.total}</td>
              <td {...cell(7)}>{r.closed}{r.staged ? <span class="muted small">（阶段性 {r.staged}）</span> : null}</td>
              <td {...cell(8)} class={r.overdue ? "warn" : ""}>{r.overdue}</td>
              <td {...cell(9)} class={r.rebounds ? "warn" : ""}>{r.rebounds}</td>
              <td {...cell(10)}>{movement(prev, r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 ? <Notice kind="info">暂无数据。</Notice> : null}
      <p class="muted small">
        评分相同时，逾期少者在前，再比反弹数（少者在前）、应结件（多者在前）。「较上周」比较一周前的名次。历史排名按当前案件记录推算当时的数字（截至当日收到、办结和已到期未办结的案件；已撤销的不计，牵头单位、时限与反弹次数取当前值）。
      </p>
    </>,
  );
}
