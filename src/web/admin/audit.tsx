/** 审计日志 (/admin/audit): the auditor's read-only view with filters; the admin may not open it (separation of duties). */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { Layout } from "../layout.js";
import { listAudit, type AuditFilter, type AuditRow } from "../../db/admin/audit.js";
import { addCalendarDays, localDate, zonedTimeToUtc } from "../../domain/calendar.js";
import { redactSecrets } from "./outbox.js";
import { maskPii } from "../../domain/pii.js";
import { verifyAudit } from "../../db/audit-chain.js";
import type { C } from "./common.js";
import { listRoleChanges, type RoleChangeRow } from "../../db/admin/role-changes.js";
import { rolesText } from "./role-changes.js";

const CHANGE_LABEL: Record<RoleChangeRow["status"], string> = { pending: "待审批", approved: "已批准", rejected: "已驳回", withdrawn: "已撤回", stale: "已作废" };

const PAGE = 100;
const RESULT_LABEL: Record<AuditRow["result"], string> = { ok: "成功", denied: "拒绝", failed: "失败" };
const isYmd = (s: string | undefined): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s);
const clip = (s: string | undefined, n: number) => (s ?? "").trim().slice(0, n);

function filterOf(c: C, tz: string): { f: AuditFilter; q: Record<string, string> } {
  const q = {
    actor: clip(c.req.query("actor"), 64),
    action: clip(c.req.query("action"), 64),
    object: clip(c.req.query("object"), 64),
    result: clip(c.req.query("result"), 10),
    from: clip(c.req.query("from"), 10),
    to: clip(c.req.query("to"), 10),
  };
  const before = Number(c.req.query("before"));
  const f: AuditFilter = {
    actor: q.actor || undefined,
    action: q.action || undefined,
    object: q.object || undefined,
    result: q.result === "ok" || q.result === "denied" || q.result === "failed" ? q.result : undefined,
    from: isYmd(q.from) ? zonedTimeToUtc(q.from, 0, 0, 0, 0, tz) : undefined,
    to: isYmd(q.to) ? zonedTimeToUtc(addCalendarDays(q.to, 1), 0, 0, 0, 0, tz) : undefined,
    beforeId: Number.isInteger(before) && before > 0 ? before : undefined,
  };
  return { f, q };
}

export function auditRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", async (c) => {
    const deps = c.get("deps");
    const user = c.get("user");
    const tz = deps.config.timezone;
    const { f, q } = filterOf(c, tz);
    const [rows, changes] = await Promise.all([listAudit(deps.db, f, PAGE), listRoleChanges(deps.db, { limit: 20 })]);
    const time = (ms: number) => `${localDate(ms, tz)} ${new Intl.DateTimeFormat("zh-CN", { timeZone: tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(ms)}`;
    // Verification only reads (GET must not write, R33); the scheduler seals new rows every minute.
    const v = c.req.query("verify") === "1" ? await verifyAudit(deps.db) : undefined;
    const more = rows.length === PAGE ? new URLSearchParams({ ...q, before: String(rows[rows.length - 1].id) }).toString() : undefined;
    return c.html(
      <Layout title="审计日志" user={user} nav="audit" csrf={user?.csrf}>
        <h2>审计日志</h2>
        <form method="get" action="/admin/audit" class="inline card">
          <input name="actor" value={q.actor} placeholder="操作人账号" maxlength={64} />
          <input name="action" value={q.action} placeholder="动作（前缀，如 auth.）" maxlength={64} />
          <input name="object" value={q.object} placeholder="对象（前缀，如 case:12）" maxlength={64} />
          <select name="result">
            <option value="">全部结果</option>
            {(Object.keys(RESULT_LABEL) as AuditRow["result"][]).map((k) => (
              <option value={k} selected={q.result === k}>{RESULT_LABEL[k]}</option>
            ))}
          </select>
          <input type="date" name="from" value={q.from} /> 至 <input type="date" name="to" value={q.to} />
          <button type="submit">查询</button>
        </form>
        <p class="muted">时间为业务时区（{tz}）；库内以 UTC 毫秒保存。日志只可追加，不能修改或删除；每分钟写入哈希链。</p>
        {v === undefined ? (
          <p><a href="/admin/audit?verify=1">校验哈希链完整性</a></p>
        ) : v.ok ? (
          <p class="card">哈希链校验通过：{v.rows} 条记录完整{v.unsealed ? `（另有 ${v.unsealed} 条新记录将在一分钟内入链）` : ""}。链头 <span class="mono">{v.head.slice(0, 16)}…</span></p>
        ) : (
          <p class="card warn"><strong>哈希链校验失败：</strong>第 {v.id} 号审计记录 — {v.problem}。请立即报告安全管理员，并用异地保存的导出文件核对。</p>
        )}
        <h3>角色变更</h3>
        <p class="muted">
          授予敏感角色（系统管理员、审计员、调度员、领导）须另一位管理员批准；最近 20 项如下。
          <a href="/admin/audit?action=admin.role.">查看全部角色变更审计记录</a>
        </p>
        <table class="wide">
          <thead>
            <tr><th>编号</th><th>人员</th><th>原角色</th><th>变更为</th><th>提出人</th><th>提出时间</th><th>状态</th><th>处理人</th><th>处理时间</th></tr>
          </thead>
          <tbody>
            {changes.map((r) => (
              <tr>
                <td>{r.id}</td>
                <td>{r.name} <span class="mono">{r.userId}</span></td>
                <td>{rolesText(r.rolesBefore)}</td>
                <td>{rolesText(r.rolesAfter)}</td>
                <td>{r.proposedBy}</td>
                <td style="white-space:nowrap">{time(r.proposedAt)}</td>
                <td class={r.status === "pending" ? "warn" : ""}>{CHANGE_LABEL[r.status]}</td>
                <td>{r.decidedBy ?? ""}</td>
                <td style="white-space:nowrap">{r.decidedAt ? time(r.decidedAt) : ""}</td>
              </tr>
            ))}
            {changes.length === 0 ? (
              <tr><td colspan={9} class="muted">暂无角色变更。</td></tr>
            ) : null}
          </tbody>
        </table>
        <h3>审计记录</h3>
        <table class="wide">
          <thead>
            <tr><th>编号</th><th>时间</th><th>操作人</th><th>动作</th><th>对象</th><th>结果</th><th>来源</th><th>详情</th></tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr>
                <td>{a.id}</td>
                <td style="white-space:nowrap">{time(a.at)}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>{a.object ?? ""}</td>
                <td class={a.result === "ok" ? "" : "warn"}>{RESULT_LABEL[a.result]}</td>
                <td>{a.source ?? ""}</td>
                <td style="font-size:12px;word-break:break-all">{a.detail ? maskPii(redactSecrets(JSON.stringify(a.detail))).slice(0, 400) /* rows from before R39 masking too */ : ""}</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr><td colspan={8} class="muted">没有符合条件的记录。</td></tr>
            ) : null}
          </tbody>
        </table>
        {more ? <p><a href={`/admin/audit?${more}`}>更早的记录 ›</a></p> : null}
      </Layout>,
    );
  });
  return r;
}
