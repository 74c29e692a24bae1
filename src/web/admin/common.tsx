/** What every admin page shares: the acting admin, one-batch writes with their audit row, the page frame, forms. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { WebEnv, WebUser } from "../context.js";
import { Layout } from "../layout.js";
import type { Deps } from "../../deps.js";
import { commit, insertAudit, type BatchItem } from "../../db/write.js";
import { clientSource } from "../auth/source.js";

export type C = Context<WebEnv>;
export type AdminCtx = { deps: Deps; user: WebUser; now: number; source: string; csrf: string };

export function adminCtx(c: C): AdminCtx {
  const user = c.get("user");
  if (!user) throw new Error("admin route reached without a user (requireRole missing)");
  const deps = c.get("deps");
  return { deps, user, now: deps.clock(), source: clientSource(c), csrf: user.csrf ?? "" };
}

/** The change and its audit row in one all-or-nothing batch. */
export async function saveWithAudit(a: AdminCtx, items: BatchItem[], action: string, object: string, detail?: Record<string, unknown>): Promise<void> {
  await commit(a.deps.db, [...items, insertAudit(a.deps.db, { at: a.now, actor: a.user.userId, action, object, result: "ok", source: a.source, detail })]);
}

const TABS = [
  ["units", "/admin/units", "单位"],
  ["people", "/admin/people", "人员"],
  ["roster", "/admin/roster", "名册导入"],
  ["groups", "/admin/groups", "群聊"],
  ["calendar", "/admin/calendar", "日历"],
  ["policy", "/admin/policy", "策略"],
  ["outbox", "/admin/outbox", "推送"],
] as const;
export type AdminTab = (typeof TABS)[number][0] | "home";

const CSS = `.tabs{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:12px}.tabs a{padding:4px 10px;border-radius:6px;background:#fff;color:#1a5fb4;text-decoration:none}
.tabs a.on{background:#1a5fb4;color:#fff}.notice{padding:8px 12px;border-radius:6px;margin-bottom:12px}.notice.ok{background:#e8f7ea;color:#1e7b2c}
.notice.error{background:#fdecec;color:#b42318}label.f{display:block;margin:6px 0}label.f>span{display:inline-block;min-width:9em;color:#4e5969}
button.link{background:none;color:#1a5fb4;padding:0}button.danger{background:#d83931}.mono{font-family:ui-monospace,Menlo,monospace}`;

/** Render an admin page in the dashboard frame. */
export function adminPage(c: C, title: string, tab: AdminTab, body: Child, status: 200 | 400 | 404 | 409 = 200) {
  const user = c.get("user");
  return c.html(
    <Layout title={title} user={user} nav="admin" csrf={user?.csrf}>
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <nav class="tabs" aria-label="管理">
        {TABS.map(([key, href, label]) => (
          <a href={href} class={tab === key ? "on" : ""}>
            {label}
          </a>
        ))}
      </nav>
      <h2>{title}</h2>
      {body}
    </Layout>,
    status,
  );
}

/** Messages after a redirect: a fixed set chosen by code, so nothing from the URL is reflected. */
const FLASH: Record<string, string> = {
  created: "已添加。",
  saved: "已保存。",
  disabled: "已停用。",
  enabled: "已启用。",
  sessions: "已结束该人员的全部登录会话。",
  mfa: "已重置动态口令并结束其全部会话；该人员下次登录时需重新绑定验证器。",
  created_pending: "已添加；所选的敏感角色须另一位系统管理员批准后生效。",
  saved_pending: "已保存；新增的敏感角色须另一位系统管理员批准后生效。",
  password_link: "督办助手将在单聊中向该人员发送设置密码链接（24 小时内有效）。",
  role_approved: "已批准，角色变更已生效。",
  role_rejected: "已驳回该角色变更。",
  key: "群机器人密钥已保存（仅显示末四位）。",
  keycleared: "群机器人密钥已清除。",
  removed: "已删除。",
  retried: "已重新排队，将很快重试发送。",
  imported: "名册已导入。",
};

export function Flash(props: { c: C }) {
  const msg = FLASH[props.c.req.query("ok") ?? ""];
  return msg ? <div class="notice ok" role="status">{msg}</div> : null;
}

export function Errors(props: { errors?: string[] }) {
  if (!props.errors?.length) return null;
  return (
    <div class="notice error" role="alert">
      {props.errors.map((e) => (
        <div>{e}</div>
      ))}
    </div>
  );
}

export const Csrf = (props: { a: AdminCtx }) => <input type="hidden" name="_csrf" value={props.a.csrf} />;

/** A one-button POST form (停用, 重试 …). */
export function PostButton(props: { a: AdminCtx; action: string; label: string; danger?: boolean; fields?: Record<string, string>; confirm?: string }) {
  return (
    <form method="post" action={props.action} style="display:inline">
      <Csrf a={props.a} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.danger ? "danger" : ""} title={props.confirm}>
        {props.label}
      </button>
    </form>
  );
}

export type Body = Record<string, string | File | (string | File)[]>;
/** The submitted form with repeated fields as arrays. */
export const formOf = (c: C): Promise<Body> => c.req.parseBody({ all: true }) as Promise<Body>;
/** One text field, trimmed ("" when absent). */
export function text(b: Body, name: string): string {
  const v = b[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "string" ? first.trim() : "";
}
/** Every value of a repeated field (checkboxes). */
export function texts(b: Body, name: string): string[] {
  const v = b[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
}
/** "a, b、c；d" → ["a","b","c","d"]. */
export const splitList = (s: string): string[] => [...new Set(s.split(/[,，、;；\s]+/).map((x) => x.trim()).filter(Boolean))];

/** A positive integer route parameter, or undefined. */
export function idParam(c: C): number | undefined {
  const v = c.req.param("id") ?? "";
  return /^[1-9]\d{0,9}$/.test(v) ? Number(v) : undefined;
}

/** Mobile shown in lists as 138****5678 (PII minimisation); the edit page shows it in full. */
export const maskMobile = (m: string | null) => (m && m.length >= 7 ? `${m.slice(0, 3)}****${m.slice(-4)}` : (m ?? ""));

export const notFoundPage = (c: C, what: string) => adminPage(c, "未找到", "home", <div class="notice error">{what}不存在。</div>, 404);
