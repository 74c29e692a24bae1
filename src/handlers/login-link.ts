/** 登录: a one-time dashboard link, sent in single chat only (the dashboard sign-in arrives with the web issue). */
import type { HandlerCtx, Outcome } from "./context.js";
import { DomainError } from "./errors.js";

export async function loginLink(ctx: HandlerCtx): Promise<Outcome> {
  if (ctx.chat.type !== "single") throw new DomainError("BAD_INPUT", "为保护账号安全，请在与督办助手的单聊中发送「登录」。");
  return { reply: `督办台网页登录尚未开通，请联系系统管理员。督办台地址：${ctx.deps.config.publicBaseUrl}`, writes: [] };
}
