/** The dashboard's page frame: Chinese, phone-first, no external assets. */
import type { Child } from "hono/jsx";
import type { WebUser } from "./context.js";
import { ROLE_LABEL } from "../domain/labels.js";
import { ROUTE_POLICY } from "./route-policy.js";

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.55 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:#1f2329;background:#f5f6f7}
header{background:#1a5fb4;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;opacity:.9}header a.on{font-weight:600;opacity:1;border-bottom:2px solid #fff}
header .me{margin-left:auto;font-size:13px}main{padding:16px;max-width:1200px;margin:auto}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e5e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f2f3f5;font-weight:600}.card{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:12px;box-shadow:0 1px 2px #0001}
.num{font-size:26px;font-weight:600}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.warn{color:#d83931}.ok{color:#2ea121}.muted{color:#8f959e}button,.btn{background:#1a5fb4;color:#fff;border:0;border-radius:6px;padding:6px 12px;cursor:pointer;text-decoration:none;display:inline-block}
input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #c9cdd4;border-radius:6px;max-width:100%}form.inline{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
@media (max-width:640px){table.wide thead{display:none}table.wide td{display:block;border:0}table.wide tr{display:block;border-bottom:1px solid #e5e6eb;padding:6px 0}}
`;

export type NavKey = "overview" | "ledger" | "ranking" | "import" | "admin" | "audit" | "sim";

export function Layout(props: { title: string; user?: WebUser; nav?: NavKey; csrf?: string; children?: Child }) {
  const u = props.user;
  // A link appears only when the route policy lets this person open it (no link that answers 403).
  const link = (key: NavKey, href: string, label: string) => {
    const access = ROUTE_POLICY[`GET ${href}`];
    const may = Array.isArray(access) && !!u && access.some((r) => u.roles.includes(r));
    return may ? <a href={href} class={props.nav === key ? "on" : ""}>{label}</a> : null;
  };
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.csrf ? <meta name="csrf-token" content={props.csrf} /> : null}
        <title>{`${props.title} · 督办台`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <header>
          <strong>督办台</strong>
          {u ? (
            <>
              {link("overview", "/dashboard", "总览")}
              {link("ledger", "/dashboard/cases", "台账")}
              {link("ranking", "/dashboard/ranking", "单位排名")}
              {link("import", "/dashboard/import", "导入")}
              {link("admin", "/admin", "管理")}
              {link("audit", "/admin/audit", "审计日志")}
              <span class="me">
                {u.name}（{u.roles.map((r) => ROLE_LABEL[r]).join("、")}）
                <form method="post" action="/logout" style="display:inline">
                  <input type="hidden" name="_csrf" value={props.csrf ?? ""} />
                  <button type="submit" style="margin-left:8px;padding:2px 8px">退出</button>
                </form>
              </span>
            </>
          ) : null}
        </header>
        <main>
          {u?.calendarMissingYear ? (
            <p class="card warn" role="alert" data-calendar-banner>
              {u.calendarMissingYear} 年的法定节假日安排尚未收录，期间的节假日会被当作工作日计算时限和提醒。
              {u.roles.includes("admin") ? <a href={`/admin/calendar?year=${u.calendarMissingYear}`}>去日历页粘贴国务院通知</a> : "请联系管理员在日历页录入。"}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}
