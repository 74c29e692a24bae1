/** The import page's views: the upload form and the preview (per-row errors, new vs already stored rows, confirm). */
import type { RowMatches } from "../../handlers/import-matches.js";
import { CHOICE_FIELD } from "../../handlers/import-repeats.js";
import type { ImportRow } from "../../sheets/import-rows.js";
import { similarLine } from "../../domain/repeat-match.js";
import { SOURCES } from "../../db/schema.js";
import { localDate } from "../../domain/calendar.js";
import type { ImportInput, ImportPreview } from "../../handlers/import-cases.js";
import type { WebUser } from "../context.js";
import { COLUMNS } from "../../sheets/headers.js";
import { Notice, CsrfField } from "./shared.js";

export const SHOWN_ROWS = 100;
/** Rows with earlier candidates offered a choice at most; the others are imported as 新建 (并案 later in chat). */
export const CHOICE_ROWS = 500;

export function ImportForm(props: { user: WebUser; source?: string }) {
  return (
    <section class="card">
      <h1>导入交办清单</h1>
      <p class="muted">
        支持 .xlsx 和 .csv（UTF-8 或 GB18030），按表头识别列，顺序不限：
        {Object.values(COLUMNS).filter((c) => c.required || c.expected).map((c) => c.label).join("、")}；可选：责任单位、办理时限、地址、配合单位。
        先预览（不写入任何数据），确认无误后一次性全部导入；已存在的受理编号不会重复导入。
      </p>
      <p><a href="/dashboard/import/template.xlsx" id="import-template" download>下载交办清单模板（.xlsx）</a></p>
      <form method="post" action="/dashboard/import/preview" enctype="multipart/form-data" class="inline" id="import-form" data-progress>
        <CsrfField user={props.user} />
        <label>
          来源
          <select name="source" required>
            {SOURCES.map((s) => <option value={s} selected={s === (props.source ?? "中央督察")}>{s}</option>)}
          </select>
        </label>
        <input type="file" name="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" required aria-label="交办清单文件" />
        <button type="submit">上传并预览</button>
        <span class="progress" hidden data-progress-box>
          <progress max="100" data-progress-bar></progress> <span data-progress-text>正在上传…</span>
        </span>
      </form>
    </section>
  );
}

/** `previewId`: the server's record of this upload (file hash, table digest); the confirm form carries only it and the table. */
export function PreviewView(props: { user: WebUser; input: ImportInput; preview: ImportPreview; table: string[][]; previewId?: string; tz: string; units: Map<number, string>; error?: string; similar?: Map<number, RowMatches> }) {
  const { plan, fresh, existing } = props.preview;
  const known = new Set(existing.map((r) => r.externalNo));
  const batches = [...new Set(fresh.map((r) => r.batch.name))];
  const ok = plan.errors.length === 0;
  return (
    <>
      <h1>导入预览：{props.input.fileName}</h1>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <section class="card" id="preview-summary">
        <p>
          工作表「{plan.sheet}」，表头在第 {plan.headerLine} 行；共 <strong>{plan.rows.length + new Set(plan.errors.map((e) => e.line)).size}</strong> 行数据：
          可导入 <strong id="fresh-count">{fresh.length}</strong> 件，已存在 <strong id="existing-count">{existing.length}</strong> 件，
          错误 <strong id="error-count" class={ok ? "" : "warn"}>{plan.errors.length}</strong> 处。
        </p>
        <p class="muted small">识别的列：{plan.columns.map((c) => (c.header === c.label ? c.label : `${c.header}→${c.label}`)).join("、")}</p>
        {plan.missing.length ? <p class="warn small">未找到列：{plan.missing.join("、")}（该项留空）。</p> : null}
        {batches.length ? <p class="small">交办批次：{batches.join("、")}</p> : null}
        <p class="muted small">文件校验值（SHA-256，服务器计算）：<code id="file-sha256">{props.input.sha256}</code></p>
      </section>
      <InListRepeats rows={fresh} similar={props.similar} />
      {ok ? null : (
        <section class="card">
          <h2 class="warn">错误（未导入任何数据）</h2>
          <table id="import-errors">
            <thead><tr><th>行号</th><th>列</th><th>问题</th></tr></thead>
            <tbody>
              {plan.errors.map((e) => <tr data-line={String(e.line)}><td>第 {e.line} 行</td><td>{e.column}</td><td>{e.message}</td></tr>)}
            </tbody>
          </table>
          <p>请修改表格后重新上传。</p>
        </section>
      )}
      {ok && fresh.length > 0 && props.previewId ? (
        <form method="post" action="/dashboard/import/commit" enctype="multipart/form-data" class="card inline" id="commit-form" data-progress data-busy={`正在导入 ${fresh.length} 件，请勿关闭页面…`}>
          <CsrfField user={props.user} />
          <input type="hidden" name="previewId" value={props.previewId} />
          <textarea name="table" hidden>{JSON.stringify(props.table)}</textarea>
          <RepeatChoices rows={fresh} similar={props.similar} tz={props.tz} units={props.units} />
          <button type="submit">确认导入 {fresh.length} 件</button>
          <span class="progress" hidden data-progress-box>
            <progress max="100" data-progress-bar></progress> <span data-progress-text>正在导入…</span>
          </span>
        </form>
      ) : null}
      {ok && fresh.length === 0 ? <Notice kind="info">表中 {existing.length} 条受理编号均已存在，无需导入，未作任何改动。</Notice> : null}
      <section class="card">
        <h2>数据预览{plan.rows.length > SHOWN_ROWS ? `（前 ${SHOWN_ROWS} 行）` : ""}</h2>
        <table class="wide" id="preview-rows">
          <thead><tr><th>行号</th><th>受理编号</th><th>问题</th><th>区域</th><th>污染类型</th><th>牵头单位</th><th>批次</th><th>办理时限</th><th>状态</th><th>疑似重复</th></tr></thead>
          <tbody>
            {plan.rows.slice(0, SHOWN_ROWS).map((r) => (
              <tr>
                <td>{r.line}</td><td>{r.externalNo}</td><td>{r.title}</td><td>{r.area ?? ""}</td><td>{r.types.join("、")}</td><td>{r.leadUnitId === null ? <span class="muted">未指定</span> : props.units.get(r.leadUnitId)}</td><td>{r.batch.name}</td>
                <td>{localDate(r.dueAt, props.tz)}</td>
                <td>{known.has(r.externalNo) ? <span class="muted">已存在，跳过</span> : <span class="ok">新</span>}</td>
                <td class="small"><SimilarCell m={props.similar?.get(r.line)} tz={props.tz} units={props.units} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ImportForm user={props.user} source={props.input.source} />
    </>
  );
}

type Names = { tz: string; units: Map<number, string> };

function Earlier(props: Names & { s: RowMatches["earlier"][number] }) {
  const { s } = props;
  return <><a href={`/dashboard/cases/${s.id}`}>#{s.id}</a> {similarLine(s, props.tz, s.unit ?? undefined).replace(/^#\d+ /, "")}</>;
}

/** The preview table's 疑似重复 cell: earlier cases, and rows of this list about the same place. */
function SimilarCell(props: Names & { m?: RowMatches }) {
  if (!props.m) return null;
  return (
    <>
      {props.m.earlier.map((s) => <div class="similar"><Earlier {...props} s={s} /></div>)}
      {props.m.inList.map((x) => <div class="similar in-list">同表第 {x.line} 行（{x.externalNo}）</div>)}
    </>
  );
}

/**
 * One choice per new row with earlier candidates (issue 13): 新建 (the default), 并案到 #N, or 不是重复 (every
 * candidate shown). Posted with the confirm form and applied in the same all-or-nothing import.
 */
function RepeatChoices(props: Names & { rows: ImportRow[]; similar?: Map<number, RowMatches> }) {
  const rows = props.rows.filter((r) => props.similar?.get(r.line)?.earlier.length);
  if (!rows.length) return null;
  const shown = rows.slice(0, CHOICE_ROWS);
  return (
    <fieldset id="repeat-choices" class="wide">
      <legend>疑似重复：{rows.length} 行与已有案件相似，请逐行选择（默认新建）</legend>
      {rows.length > shown.length ? <p class="muted small">仅列出前 {CHOICE_ROWS} 行；其余按新建导入，导入后可在群内发送「并案 #新 到 #原」。</p> : null}
      <table class="wide">
        <thead><tr><th>行号</th><th>受理编号</th><th>问题</th><th>处理</th></tr></thead>
        <tbody>
          {shown.map((r) => {
            const m = props.similar!.get(r.line)!;
            const name = `${CHOICE_FIELD}${r.externalNo}`;
            return (
              <tr data-line={String(r.line)}>
                <td>{r.line}</td><td>{r.externalNo}</td><td>{r.title}{m.inList.length ? <div class="muted small">同表第 {m.inList.map((x) => x.line).join("、")} 行疑似同一问题</div> : null}</td>
                <td class="small">
                  <label><input type="radio" name={name} value="new" checked /> 新建</label>
                  {m.earlier.map((s) => <div><label><input type="radio" name={name} value={`merge:${s.id}`} /> 并案到 </label><Earlier {...props} s={s} /></div>)}
                  <div><label><input type="radio" name={name} value={`notdup:${m.earlier.map((s) => s.id).join(",")}`} /> 不是重复（今后不再提示）</label></div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </fieldset>
  );
}

/** Rows of this list about the same place as another row (issue 13), all of them, not only the rows shown below. */
function InListRepeats(props: { rows: ImportRow[]; similar?: Map<number, RowMatches> }) {
  const rows = props.rows.filter((r) => props.similar?.get(r.line)?.inList.length);
  if (!rows.length) return null;
  return (
    <section class="card" id="in-list-repeats">
      <h2>表内疑似重复：{rows.length} 行</h2>
      <p class="muted small">同一清单中以下各行疑似是同一地点的同一问题；如确属重复，可导入后在群内发送「并案 #新 到 #原」。{rows.length > CHOICE_ROWS ? `（仅列出前 ${CHOICE_ROWS} 行）` : ""}</p>
      <table class="wide">
        <thead><tr><th>行号</th><th>受理编号</th><th>问题</th><th>疑似与之重复</th></tr></thead>
        <tbody>
          {rows.slice(0, CHOICE_ROWS).map((r) => (
            <tr data-line={String(r.line)}>
              <td>{r.line}</td><td>{r.externalNo}</td><td>{r.title}</td>
              <td class="small">{props.similar!.get(r.line)!.inList.map((x) => `第 ${x.line} 行（${x.externalNo}）`).join("、")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
