/**
 * 粘贴国务院通知: the admin pastes the State Council's holiday notice; a preview lists each holiday and make-up
 * workday; saving stores them as admin rows in one audited batch, then recomputes the deadlines the missing plan
 * had miscounted (issue 14 item 6) and lists what changed and what the dispatcher should check by hand.
 */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { upsertAdminDay } from "../../db/admin/calendar.js";
import { weekdayOf } from "../../domain/calendar.js";
import { parseHolidayNotice, type ParsedNotice } from "../../domain/holiday-notice.js";
import { recomputeDeadlines, type Recomputed } from "../../handlers/recompute-deadlines.js";
import { fmtDate } from "../../handlers/text.js";
import { adminCtx, adminPage, Csrf, Errors, formOf, saveWithAudit, text, type Body, type C } from "./common.js";

const WEEKDAY = ["", "一", "二", "三", "四", "五", "六", "日"];

/** The paste form, shown on the calendar page too. */
export function NoticeForm(props: { csrf: string; year: number; value?: string }) {
  return (
    <form method="post" action="/admin/calendar/notice/preview" class="card">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <h3>粘贴国务院办公厅节假日安排通知</h3>
      <p class="muted">粘贴「国务院办公厅关于{props.year}年部分节假日安排的通知」全文或其中「一、元旦：……」各条，先预览，核对无误后再保存。</p>
      <textarea name="notice" rows={9} style="width:100%" maxlength={20000} placeholder="一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。">{props.value ?? ""}</textarea>
      <p>
        年份（通知标题中没有年份时使用）：<input name="year" type="number" min={2004} max={2100} value={String(props.year)} style="width:7em" />
        <button type="submit">预览</button>
      </p>
    </form>
  );
}

function Preview(props: { n: ParsedNotice }) {
  return (
    <table class="wide">
      <thead><tr><th>节日</th><th>放假</th><th>调休上班</th></tr></thead>
      <tbody>
        {props.n.items.map((i) => (
          <tr>
            <td>{i.name}</td>
            <td>{i.holidays.length ? `${i.holidays[0]} 至 ${i.holidays[i.holidays.length - 1]}，共 ${i.holidays.length} 天` : "—"}</td>
            <td>{i.workdays.map((d) => `${d}（周${WEEKDAY[weekdayOf(d)]}）`).join("、") || "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Result(props: { r: Recomputed; tz: string }) {
  const { changed, unknown } = props.r;
  return (
    <>
      <p>{changed.length ? `已按工作日重算 ${changed.length} 件案件的办结时限，并已通知相关单位群：` : "没有需要按新日历重算办结时限的案件。"}</p>
      {changed.length ? (
        <ul>{changed.map((c) => <li><a href={`/dashboard/cases/${c.caseId}`}>#{c.caseId}</a> {c.title}：{fmtDate(c.from, props.tz)} → {fmtDate(c.to, props.tz)}</li>)}</ul>
      ) : null}
      {unknown.length ? (
        <div class="card warn" role="alert">
          <p>以下案件的时限落在新收录的日期之后，但没有记录原始的工作日数（如导入的案件），系统未自动调整，请调度员逐件核对：</p>
          <ul>{unknown.map((c) => <li><a href={`/dashboard/cases/${c.caseId}`}>#{c.caseId}</a> {c.title}：现时限 {fmtDate(c.dueAt, props.tz)}</li>)}</ul>
        </div>
      ) : null}
    </>
  );
}

function parseForm(b: Body) {
  const year = Number(text(b, "year"));
  const raw = text(b, "notice");
  return { raw, parsed: parseHolidayNotice(raw, Number.isInteger(year) ? year : undefined), year };
}

export function noticeRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.post("/preview", async (c: C) => {
    const a = adminCtx(c);
    const { raw, parsed, year } = parseForm(await formOf(c));
    const form = <NoticeForm csrf={a.csrf} year={parsed.ok ? parsed.notice.year : year || new Date(a.now).getUTCFullYear() + 1} value={raw} />;
    if (!parsed.ok) return adminPage(c, "节假日安排：预览", "calendar", <><Errors errors={parsed.errors} />{form}</>, 400);
    const n = parsed.notice;
    return adminPage(
      c,
      `节假日安排：${n.year} 年预览`,
      "calendar",
      <>
        <p>共识别 {n.items.length} 个节日，{n.rows.filter((d) => d.kind === "holiday").length} 个放假日，{n.rows.filter((d) => d.kind === "workday").length} 个调休上班日。请与通知原文核对。</p>
        <Preview n={n} />
        <form method="post" action="/admin/calendar/notice" class="card inline">
          <Csrf a={a} />
          <input type="hidden" name="notice" value={raw} />
          <input type="hidden" name="year" value={String(n.year)} />
          <button type="submit">确认保存 {n.year} 年安排</button>
          <a href={`/admin/calendar?year=${n.year}`}>取消</a>
        </form>
      </>,
    );
  });

  r.post("/", async (c: C) => {
    const a = adminCtx(c);
    const { raw, parsed, year } = parseForm(await formOf(c));
    if (!parsed.ok) return adminPage(c, "节假日安排：未保存", "calendar", <><Errors errors={parsed.errors} /><NoticeForm csrf={a.csrf} year={year} value={raw} /></>, 400);
    const n = parsed.notice;
    // All days and the audit row in one batch (admin rows: the package seeding never overwrites them).
    await saveWithAudit(a, n.rows.map((d) => upsertAdminDay(a.deps.db, d)), "admin.calendar.notice", `calendar:${n.year}`, {
      year: n.year,
      holidays: n.rows.filter((d) => d.kind === "holiday").map((d) => d.date),
      workdays: n.rows.filter((d) => d.kind === "workday").map((d) => d.date),
    });
    a.deps.invalidateCalendar?.();
    const result = await recomputeDeadlines(a.deps, n.rows[0].date, { now: a.now, actor: a.user.userId, source: a.source, year: n.year });
    return adminPage(
      c,
      `节假日安排：${n.year} 年已保存`,
      "calendar",
      <>
        <div class="notice ok" role="status">已保存 {n.year} 年的 {n.rows.length} 个特殊日期。</div>
        <Result r={result} tz={a.deps.config.timezone} />
        <p><a href={`/admin/calendar?year=${n.year}`}>查看 {n.year} 年日历</a></p>
      </>,
    );
  });
  return r;
}
