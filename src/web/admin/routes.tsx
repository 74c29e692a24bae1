/** /admin: every page for the admin role only, except /admin/audit for the auditor only (separation of duties, R34). */
import { Hono } from "hono";
import { requireRole, type WebEnv } from "../context.js";
import { adminPage } from "./common.js";
import { unitRoutes } from "./units.js";
import { peopleRoutes } from "./people.js";
import { rosterRoutes } from "./roster.js";
import { groupRoutes } from "./groups.js";
import { calendarRoutes } from "./calendar.js";
import { policyRoutes } from "./policy.js";
import { outboxRoutes } from "./outbox.js";
import { auditRoutes } from "./audit.js";

const SECTIONS: [string, string, string][] = [
  ["/admin/units", "单位", "街道、部门及其负责人、联络员、替补"],
  ["/admin/people", "人员", "账号、角色、所属单位；停用账号将立即结束其登录"],
  ["/admin/roster", "名册导入", "从 .xlsx / .csv 名册批量添加或更新人员"],
  ["/admin/groups", "群聊", "群的用途、所属单位和群机器人密钥"],
  ["/admin/calendar", "日历", "节假日与调休上班日"],
  ["/admin/policy", "策略", "签收和办理时限、逾期升级、通报时间、免打扰"],
  ["/admin/outbox", "推送", "发送失败的消息与重试"],
];

export function adminRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  const admin = requireRole("admin");
  const auditor = requireRole("auditor");

  r.use("/audit", auditor);
  r.use("/audit/*", auditor);
  r.route("/audit", auditRoutes());

  const subs: [string, () => Hono<WebEnv>][] = [
    ["/units", unitRoutes],
    ["/people", peopleRoutes],
    ["/roster", rosterRoutes],
    ["/groups", groupRoutes],
    ["/calendar", calendarRoutes],
    ["/policy", policyRoutes],
    ["/outbox", outboxRoutes],
  ];
  for (const [path, make] of subs) {
    r.use(path, admin);
    r.use(`${path}/*`, admin);
    r.route(path, make());
  }

  r.get("/", admin, (c) =>
    adminPage(
      c,
      "系统管理",
      "home",
      <div class="grid">
        {SECTIONS.map(([href, label, note]) => (
          <a class="card" href={href} style="text-decoration:none;color:inherit">
            <strong>{label}</strong>
            <div class="muted" style="font-size:13px">{note}</div>
          </a>
        ))}
      </div>,
    ),
  );
  return r;
}
