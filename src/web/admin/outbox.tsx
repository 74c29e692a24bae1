/** 推送: the outbox by status; failed deliveries show their last error and a 重试 button (back to pending). */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { getOutbox, listOutbox, outboxCounts, retryOutbox, type OutboxRow, type OutboxStatus } from "../../db/admin/outbox.js";
import { drainOutbox } from "../../delivery/relay.js";
import { isMessage, toPlain, type Content } from "../../domain/message.js";
import { adminCtx, adminPage, Errors, Flash, idParam, notFoundPage, PostButton, saveWithAudit, type C } from "./common.js";

const STATUS_LABEL: Record<OutboxStatus, string> = { failed: "发送失败", pending: "待发送", sending: "发送中", sent: "已发送" };
const CHANNEL_LABEL: Record<string, string> = { group: "群消息", user: "单聊", response_url: "回复" };

/** Errors and targets may carry credentials (webhook key=…, response_url): never shown in full (R38). */
export function redactSecrets(s: string): string {
  return s
    .replace(/([?&]key=)[^&\s"']+/gi, (_, p: string) => `${p}…`)
    .replace(/https?:\/\/[^\s"']*response[^\s"']*/gi, "[response_url]")
    .replace(/(\/(?:password\/set|login\/link)\/)[\w-]+/g, "$1…"); // one-time links are the person's alone (R34)
}

const when = (ms: number | null, tz: string) => (ms ? new Intl.DateTimeFormat("zh-CN", { timeZone: tz, dateStyle: "short", timeStyle: "short" }).format(ms) : "—");

function preview(r: OutboxRow): string {
  // Neutral content (issue 15) as plain text; rows from before carry WeCom markdown or text.
  const p = r.payload as { message?: Content; markdown?: string; text?: string };
  const body = p.message !== undefined && (typeof p.message === "string" || isMessage(p.message)) ? toPlain(p.message) : (p.markdown ?? p.text ?? "");
  const t = redactSecrets(body.replace(/\s+/g, " "));
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

async function outboxPage(c: C, errors?: string[]) {
  const a = adminCtx(c);
  const q = c.req.query("status");
  const status: OutboxStatus = q === "pending" || q === "sending" || q === "sent" ? q : "failed";
  const [counts, rows] = await Promise.all([outboxCounts(a.deps.db), listOutbox(a.deps.db, status)]);
  const tz = a.deps.config.timezone;
  return adminPage(
    c,
    "推送队列",
    "outbox",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <p>
        {(Object.keys(STATUS_LABEL) as OutboxStatus[]).map((s) => (
          <>
            <a href={`/admin/outbox?status=${s}`} style={s === status ? "font-weight:600" : ""}>
              {STATUS_LABEL[s]}（{counts[s]}）
            </a>{" "}
          </>
        ))}
      </p>
      <table class="wide">
        <thead>
          <tr><th>编号</th><th>类型</th><th>目标</th><th>案件</th><th>内容</th><th>尝试</th><th>创建</th><th>最后错误</th><th>操作</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.id}</td>
              <td>{CHANNEL_LABEL[r.channel] ?? r.channel}</td>
              <td class="mono">{r.channel === "response_url" ? "（回复地址）" : redactSecrets(r.target)}</td>
              <td>{r.caseId ? `#${r.caseId}` : "—"}</td>
              <td>{preview(r)}</td>
              <td>{r.attempts}</td>
              <td>{when(r.createdAt, tz)}</td>
              <td class="warn">{r.lastError ? redactSecrets(r.lastError).slice(0, 300) : ""}</td>
              <td>{r.status === "failed" ? <PostButton a={a} action={`/admin/outbox/${r.id}/retry`} label="重试" /> : null}</td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr><td colspan={9} class="muted">没有{STATUS_LABEL[status]}的消息。</td></tr>
          ) : null}
        </tbody>
      </table>
      <p class="muted">仅显示最近 200 条。发送失败的消息已用尽自动重试；确认原因（如群机器人密钥失效）已排除后再点「重试」。</p>
    </>,
  );
}

export function outboxRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", (c) => outboxPage(c));

  r.post("/:id/retry", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const row = id ? await getOutbox(a.deps.db, id) : undefined;
    if (!row) return notFoundPage(c, "推送消息");
    if (row.status !== "failed") return outboxPage(c, ["只有发送失败的消息可以重试。"]);
    await saveWithAudit(a, [retryOutbox(a.deps.db, row.id, a.now)], "admin.outbox.retry", `outbox:${row.id}`, { attempts: row.attempts, caseId: row.caseId });
    a.deps.waitUntil(drainOutbox(a.deps));
    return c.redirect("/admin/outbox?ok=retried", 303);
  });
  return r;
}
