/** 日历: holidays and make-up workdays (调休) of a year; admins add or override days and remove their own rows. */
import { Hono } from "hono";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { WebEnv } from "../context.js";
import { deleteAdminDay, getCalendarDay, listCalendarYear, upsertAdminDay } from "../../db/admin/calendar.js";
import { adminCtx, adminPage, Csrf, Errors, Flash, formOf, PostButton, saveWithAudit, text, type C } from "./common.js";
import { NoticeForm, noticeRoutes } from "./calendar-notice.js";

const KIND_LABEL = { holiday: "休息日（节假日）", workday: "工作日（调休上班）" } as const;
const SOURCE_LABEL = { package: "官方日历", admin: "管理员" } as const;
const WEEKDAY = ["日", "一", "二", "三", "四", "五", "六"];

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const daySchema = z.object({
  date: z.string().refine(isDate, "日期格式应为 YYYY-MM-DD"),
  kind: z.enum(["holiday", "workday"], { message: "请选择类型" }),
  name: z.string().max(30, "说明不超过 30 个字").nullable(),
});

function yearOf(c: C, fallback: number): number {
  const y = Number(c.req.query("year"));
  return Number.isInteger(y) && y >= 2004 && y <= 2100 ? y : fallback;
}

async function yearPage(c: C, year: number, errors?: string[]) {
  const a = adminCtx(c);
  const rows = await listCalendarYear(a.deps.db, year);
  return adminPage(
    c,
    `日历：${year} 年`,
    "calendar",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <p>
        <a href={`/admin/calendar?year=${year - 1}`}>‹ {year - 1}</a> · <a href={`/admin/calendar?year=${year + 1}`}>{year + 1} ›</a>
        <span class="muted">　仅列出特殊日期：节假日休息日与调休上班日；其余周一至周五为工作日，周六日休息。</span>
      </p>
      {rows.some((d) => d.source === "package") ? null : (
        <p class="card warn" role="alert">
          {year} 年的官方节假日安排尚未收录。国务院办公厅发布通知后，请在下方粘贴通知正文（或逐日添加节假日休息日和调休上班日）；在此之前，该年的节假日会被当作普通工作日计算时限和提醒。
        </p>
      )}
      <table class="wide">
        <thead>
          <tr><th>日期</th><th>星期</th><th>类型</th><th>说明</th><th>来源</th><th>操作</th></tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr>
              <td class="mono">{d.date}</td>
              <td>{WEEKDAY[new Date(`${d.date}T00:00:00Z`).getUTCDay()]}</td>
              <td class={d.kind === "workday" ? "warn" : ""}>{KIND_LABEL[d.kind]}</td>
              <td>{d.name ?? ""}</td>
              <td>{SOURCE_LABEL[d.source]}</td>
              <td>{d.source === "admin" ? <PostButton a={a} action={`/admin/calendar/${d.date}/delete`} label="删除" danger /> : null}</td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr><td colspan={6} class="muted">该年没有特殊日期。</td></tr>
          ) : null}
        </tbody>
      </table>
      <NoticeForm csrf={a.csrf} year={year} />
      <h3>添加或调整日期</h3>
      <form method="post" action="/admin/calendar" class="card inline">
        <Csrf a={a} />
        <input type="date" name="date" required />
        <select name="kind">
          <option value="holiday">{KIND_LABEL.holiday}</option>
          <option value="workday">{KIND_LABEL.workday}</option>
        </select>
        <input name="name" maxlength={30} placeholder="说明，如：国庆节" />
        <button type="submit">保存</button>
        <span class="muted">同一日期已有官方日历记录时，以管理员设置为准。</span>
      </form>
    </>,
    errors ? 400 : 200,
  );
}

export function calendarRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.route("/notice", noticeRoutes());
  r.get("/", (c) => {
    const { clock, config } = c.get("deps");
    const thisYear = Number(new Intl.DateTimeFormat("en", { timeZone: config.timezone, year: "numeric" }).format(clock()));
    return yearPage(c, yearOf(c, thisYear));
  });

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const p = daySchema.safeParse({ date: text(b, "date"), kind: text(b, "kind"), name: text(b, "name") || null });
    if (!p.success) return yearPage(c, new Date(a.now).getUTCFullYear(), p.error.issues.map((i) => i.message));
    const before = await getCalendarDay(a.deps.db, p.data.date);
    await saveWithAudit(a, [upsertAdminDay(a.deps.db, p.data)], "admin.calendar.set", `calendar:${p.data.date}`, { before: before ? { kind: before.kind, source: before.source } : null, after: p.data });
    a.deps.invalidateCalendar?.();
    return c.redirect(`/admin/calendar?year=${p.data.date.slice(0, 4)}&ok=saved`, 303);
  });

  r.post("/:date/delete", async (c) => {
    const a = adminCtx(c);
    const date = c.req.param("date");
    const day = isDate(date) ? await getCalendarDay(a.deps.db, date) : undefined;
    if (!day || day.source !== "admin") return yearPage(c, Number(date.slice(0, 4)) || new Date(a.now).getUTCFullYear(), ["只能删除管理员添加的日期。"]);
    await saveWithAudit(a, [deleteAdminDay(a.deps.db, date)], "admin.calendar.remove", `calendar:${date}`, { kind: day.kind, name: day.name });
    a.deps.invalidateCalendar?.();
    return c.redirect(`/admin/calendar?year=${date.slice(0, 4)}&ok=removed`, 303);
  });
  return r;
}
