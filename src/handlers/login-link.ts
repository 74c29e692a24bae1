/** 登录: a one-time dashboard link, valid 10 minutes, sent in single chat only; only its hash is stored. */
import type { NoInput, Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { personByUserId } from "../db/login.js";
import { LINK_TTL_MS, newLoginLink } from "../db/login-links.js";
import { insertAudit } from "../db/write.js";

export async function loginLink({ ctx }: UseCaseArgs<NoInput>): Promise<Outcome> {
  if (ctx.chat.type !== "single") throw new DomainError("BAD_INPUT", "为保护账号安全，请在与督办助手的单聊中发送「登录」。");
  const { db, config } = ctx.deps;
  const person = await personByUserId(db, ctx.actor.userId);
  if (!person || !person.active) throw new DomainError("FORBIDDEN", "您的账号未启用，无法登录督办台，请联系系统管理员。");
  const { token, write } = await newLoginLink(db, person.id, ctx.now);
  const minutes = LINK_TTL_MS / 60_000;
  return {
    reply: `督办台一次性登录链接（${minutes} 分钟内有效，只能使用一次，请勿转发）：\n${config.publicBaseUrl}/login/link/${token}`,
    // The inbox keeps the reply for redeliveries; it must not keep a usable link.
    inboxReply: "已发送一次性登录链接。如链接已失效，请再次发送「登录」。",
    writes: [write, insertAudit(db, { at: ctx.now, actor: person.userId, action: "auth.login_link_sent", object: `person:${person.id}`, result: "ok", source: ctx.source })],
  };
}
