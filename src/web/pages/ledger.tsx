/** 台账: every case in scope, filtered (batch, source, unit, state, type, overdue, 挂牌, 重复投诉), searched and paged; 挂牌 first. */
import { MAX_SEARCH_WORDS, SEARCH_CAP, SHORT_WINDOW } from "../../db/case-search.js";
import { listCases, loadDirectory, type Page } from "../../db/ledger.js";
import { CASE_STATES, POLLUTION_TYPES, SOURCES } from "../../db/schema.js";
import { PRIORITY_LABEL, STATE_LABEL } from "../../domain/labels.js";
import { isOverdue } from "../../domain/lifecycle.js";
import { qs, unitName, ymd } from "./format.js";
import { issuesText, ledgerQuery, pagingProblem, toFilter, toParams, type LedgerQuery } from "../../db/ledger-query.js";
import { CsrfField, Notice, page, scopeOf, StateTag, userOf, type Ctx } from "./shared.js";

const PAGE_SIZE = 20;

/** "重复投诉 3 次 · 反弹 1 次" under a case that holds merged complaints or rebounded (issue 13). */
const repeatText = (r: Pick<Page["rows"][number], "mergedCount" | "reboundCount">) =>
  [r.mergedCount ? `重复投诉 ${r.mergedCount + 1} 次` : "", r.reboundCount ? `反弹 ${r.reboundCount} 次` : ""].filter(Boolean).join(" · ");

function Select(props: { name: string; label: string; value?: string | number; options: [string | number, string][] }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">全部</option>
        {props.options.map(([v, text]) => (
          <option value={String(v)} selected={String(props.value ?? "") === String(v)}>{text}</option>
        ))}
      </select>
    </label>
  );
}

/** The count as honest as it is: exact, "1 万+" when counting stopped, and what a search looked at. */
function CountText({ result }: { result: Page }) {
  const ignored = result.ignoredWords?.length ? <>（搜索词较多，只按前 {MAX_SEARCH_WORDS} 个检索，未用：{result.ignoredWords.join(" ")}）</> : "";
  return <><Counted result={result} />{ignored}</>;
}

function Counted({ result }: { result: Page }) {
  const wan = (n: number) => (n >= 10_000 ? `约 ${n / 10_000} 万+` : `${n}+`);
  if (result.search === "recent") {
    return <>最近 {SHORT_WINDOW / 10_000} 万件中匹配 <strong>{result.capped ? wan(result.total) : result.total}</strong> 件，按时间排列，第 {result.page}/{result.pages} 页。两个字以内的搜索词只查最近的案件；输入三个字以上可搜索全部案件并按相关度排序。</>;
  }
  if (result.search === "ranked") {
    return result.capped
      ? <>匹配超过 {SEARCH_CAP} 件，按相关度列出最近的 <strong>{result.total}</strong> 件，第 {result.page}/{result.pages} 页；可补充搜索词或筛选条件缩小范围。</>
      : <>共 <strong>{result.total}</strong> 件，按相关度排列，第 {result.page}/{result.pages} 页</>;
  }
  return result.capped
    ? <>共 <strong>{wan(result.total)}</strong> 件（超过 {result.total} 件不再逐件计数），第 {result.page} 页</>
    : <>共 <strong>{result.total}</strong> 件，第 {result.page}/{result.pages} 页</>;
}

export async function ledgerPage(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const parsed = ledgerQuery.safeParse(c.req.query());
  if (!parsed.success) return page(c, "台账", "ledger", <Notice kind="error">筛选条件有误：{issuesText(parsed.error)}。<a href="/dashboard/cases">清除筛选</a></Notice>, 400);
  const q: LedgerQuery = parsed.data;
  const tooFar = pagingProblem(q);
  if (tooFar) return page(c, "台账", "ledger", <Notice kind="error">{tooFar}。<a href="/dashboard/cases">回到第一页</a></Notice>, 400);
  const scope = scopeOf(user);
  const now = deps.clock();
  const tz = deps.config.timezone;
  const [dir, result] = await Promise.all([loadDirectory(deps.db), listCases(deps.db, toFilter(q), scope, now, { page: q.page, cursor: q.cursor, pageSize: PAGE_SIZE })]);
  const params = toParams(q);
  const units = dir.units.filter((u) => u.kind !== "office" && (scope.all || u.id === scope.unitId));
  const link = (p: number) => `/dashboard/cases${qs({ ...params, page: p })}`;
  // Forward by keyset when there is a cursor (any depth), back by page number (the first MAX_OFFSET_PAGE pages).
  const next = result.nextCursor ? `/dashboard/cases${qs({ ...params, cursor: result.nextCursor, page: result.page + 1 })}` : result.page < result.pages ? link(result.page + 1) : undefined;
  return page(
    c,
    "台账",
    "ledger",
    <>
      <h1>督办台账</h1>
      <form method="get" action="/dashboard/cases" class="filters card" id="filters">
        <label class="grow">
          搜索
          <input type="search" name="q" value={q.q ?? ""} placeholder="问题内容、地址、受理编号" />
        </label>
        <Select name="batch" label="批次" value={q.batch} options={dir.batches.map((b) => [b.id, b.name])} />
        <Select name="source" label="来源" value={q.source} options={SOURCES.map((s) => [s, s])} />
        <Select name="unit" label="牵头单位" value={q.unit} options={units.map((u) => [u.id, u.name])} />
        <Select name="state" label="状态" value={q.state} options={CASE_STATES.map((s) => [s, STATE_LABEL[s]])} />
        <Select name="type" label="污染类型" value={q.type} options={POLLUTION_TYPES.map((t) => [t, t])} />
        <Select name="overdue" label="逾期" value={params.overdue} options={[["1", "已逾期"], ["0", "未逾期"]]} />
        <Select name="flagged" label="挂牌" value={params.flagged} options={[["1", "挂牌督办"], ["0", "未挂牌"]]} />
        <Select name="repeat" label="重复投诉" value={params.repeat} options={[["1", "重复/反复投诉"], ["0", "非重复投诉"]]} />
        <span class="actions">
          <button type="submit">筛选</button>
          <a class="btn light" href="/dashboard/cases">清除</a>
          <button type="submit" class="light" id="export-link" form="export-form">导出 Excel</button>
        </span>
      </form>
      {/* A POST: every export is audited (issue 16), and no GET may write (R33). */}
      <form method="post" id="export-form" action={`/dashboard/cases/export.xlsx${qs(params)}`} hidden>
        <CsrfField user={user} />
      </form>
      {q.batch ? (
        // 一案一档 of every closed case of the batch as a ZIP of PDFs (issue 14); a POST: every download is audited.
        <form method="post" action={`/dashboard/batches/${q.batch}/dossiers.zip`} class="inline">
          <CsrfField user={user} />
          <button type="submit" class="light">批次归档（PDF 压缩包）</button>
          <span class="muted small">本批次全部已办结案件的一案一档，每案一个 PDF。</span>
        </form>
      ) : null}
      <p class="muted" id="ledger-count">
        <CountText result={result} />
      </p>
      <table class="wide ledger">
        <thead>
          <tr><th>案件号</th><th>问题</th><th>牵头单位</th><th>状态</th><th>时限</th><th>来源/受理编号</th></tr>
        </thead>
        <tbody>
          {result.rows.map((r) => (
            <tr data-case={r.id} class={r.flagged ? "flagged" : ""}>
              <td><a href={`/dashboard/cases/${r.id}`}>#{r.id}</a></td>
              <td>
                <a href={`/dashboard/cases/${r.id}`}>{r.title}</a>
                <div class="muted small">{[r.area, r.pollutionTypes.join("、"), r.priority !== "normal" ? PRIORITY_LABEL[r.priority] : "", repeatText(r)].filter(Boolean).join(" · ")}</div>
              </td>
              <td>{unitName(dir, r.leadUnitId)}</td>
              <td><StateTag state={r.state} overdue={isOverdue(r, now)} flagged={r.flagged} /></td>
              <td>{ymd(r.dueAt, tz)}</td>
              <td>
                {r.source}
                <div class="muted small">{r.externalNo ?? ""}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.rows.length === 0 ? <Notice kind="info">{q.repeat ? "无重复/反复投诉的案件：符合条件的案件都没有并案的重复投诉，也没有反弹。" : "没有符合条件的案件。"}</Notice> : null}
      <nav class="pager" aria-label="分页">
        {result.page > 1 ? <a href={link(result.page - 1)} rel="prev">‹ 上一页</a> : <span class="muted">‹ 上一页</span>}
        <span>{result.capped ? `第 ${result.page} 页` : `第 ${result.page} / ${result.pages} 页`}</span>
        {next ? <a href={next} rel="next">下一页 ›</a> : <span class="muted">下一页 ›</span>}
      </nav>
    </>,
  );
}
