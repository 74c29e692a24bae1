/** 总览: headline figures, the weekly received-vs-closed trend and the fair ranking's score per unit (SVG drawn on the server). */
import { loadDirectory } from "../../db/ledger.js";
import { loadPolicy } from "../../db/policy.js";
import { flowByWindow, overdueCases, overviewFigures, rankOptions, rankUnits, totals } from "../../db/stats.js";
import { scoreNote } from "../../domain/fair-rank.js";
import { trendChart, unitChart } from "../charts/svg.js";
import { pct, unitName, ymd } from "./format.js";
import { page, scopeOf, userOf, type Ctx } from "./shared.js";
import { lastWeeks } from "./weeks.js";

const WEEKS = 12;

export async function overviewPage(c: Ctx) {
  const deps = c.get("deps");
  const { db } = deps;
  const user = userOf(c);
  const scope = scopeOf(user);
  const now = deps.clock();
  const tz = deps.config.timezone;
  const unitId = scope.all ? undefined : (scope.unitId ?? -1);
  const [{ units: rows, sources: bySource }, dir, overdue, policy] = await Promise.all([overviewFigures(db, now, unitId), loadDirectory(db), overdueCases(db, now, unitId, 10), loadPolicy(db)]);
  const t = totals(rows);
  const weeks = lastWeeks(now, tz, WEEKS);
  const flow = await flowByWindow(db, weeks, unitId);
  const trend = await trendChart(weeks.map((w, i) => ({ label: w.label, ...flow[i] })));
  // The fair ranking (domain/fair-rank): the chart shows the ranked units' scores; the rest are counted below it.
  const opts = rankOptions(policy);
  const ranked = scope.all ? rankUnits(rows, dir.units, opts) : [];
  const scored = ranked.filter((r) => r.score !== null);
  const units = scope.all ? await unitChart(scored.map((r) => ({ name: unitName(dir, r.unitId), rate: r.score!, closed: r.closedOnTime, total: r.due }))) : "";
  const who = scope.all ? "全区" : unitName(dir, scope.unitId);
  const Num = (p: { label: string; value: string | number; cls?: string; href?: string }) => (
    <div class="card">
      <div class="muted">{p.label}</div>
      <div class={`num ${p.cls ?? ""}`}>{p.href ? <a href={p.href}>{p.value}</a> : p.value}</div>
    </div>
  );
  return page(
    c,
    "总览",
    "overview",
    <>
      <h1>{who}办理情况总览</h1>
      <div class="grid" id="headline">
        <Num label="交办总数" value={t.total} href="/dashboard/cases" />
        <Num label="已办结（含阶段性）" value={t.closed} cls="ok" href="/dashboard/cases?state=closed" />
        <Num label="完成率" value={pct(t.completionRate)} />
        <Num label="逾期" value={t.overdue} cls={t.overdue ? "warn" : ""} href="/dashboard/cases?overdue=1" />
        <Num label="反弹" value={t.rebounds} cls={t.rebounds ? "warn" : ""} />
        <Num label="按时办结率" value={t.closed ? pct(t.onTimeRate) : "—"} />
      </div>
      <section class="card">
        <h2>近 {WEEKS} 周新收与办结（按周）</h2>
        <div class="chart" dangerouslySetInnerHTML={{ __html: trend }} />
      </section>
      {scope.all ? (
        <section class="card">
          <h2>单位排名评分（%）</h2>
          <div class="chart" dangerouslySetInnerHTML={{ __html: units }} />
          <p class="muted small" id="score-note">
            {scoreNote(opts.minCases)}
            {ranked.length > scored.length ? `另有 ${ranked.length - scored.length} 个单位暂不排名。` : ""}
            <a href="/dashboard/ranking">查看单位排名及历史 →</a>
          </p>
        </section>
      ) : null}
      <div class="two">
        <section class="card">
          <h2>按来源</h2>
          <table>
            <thead><tr><th>来源</th><th>总数</th><th>办结</th><th>完成率</th><th>逾期</th></tr></thead>
            <tbody>
              {bySource.map((s) => (
                <tr>
                  <td><a href={`/dashboard/cases?source=${encodeURIComponent(s.key ?? "")}`}>{s.key ?? "未知"}</a></td>
                  <td>{s.total}</td><td>{s.closed}</td><td>{pct(s.completionRate)}</td><td class={s.overdue ? "warn" : ""}>{s.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card">
          <h2>逾期案件（{t.overdue}）</h2>
          {t.overdue === 0 ? <p class="ok">没有逾期案件。</p> : (
            <ul class="plain">
              {overdue.map((o) => (
                <li>
                  <a href={`/dashboard/cases/${o.id}`}>#{o.id} {o.flagged ? "【挂牌】" : ""}{o.title}</a>
                  <span class="muted"> · {unitName(dir, o.leadUnitId)} · 时限 {ymd(o.dueAt, tz)}</span>
                </li>
              ))}
              {t.overdue > overdue.length ? <li><a href="/dashboard/cases?overdue=1">查看全部 {t.overdue} 件 →</a></li> : null}
            </ul>
          )}
        </section>
      </div>
    </>,
  );
}
