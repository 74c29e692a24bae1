/**
 * Who may call a dashboard or API route, and what they may see: shared by src/web/ and src/api/ (the API never
 * imports the dashboard), below both.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Scope } from "../db/ledger.js";
import type { Role } from "../db/schema.js";
import { seesAll } from "../domain/permissions.js";
import type { WebEnv, WebUser } from "../env.js";

/** Default deny: the route runs only for a signed-in user holding one of `roles` (R34). */
export function requireRole(...roles: Role[]): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) {
      if (c.req.path.startsWith("/api/")) return c.json({ error: "UNAUTHENTICATED", message: "请先登录或提供有效的 API 令牌" }, 401);
      if (c.get("authEnded")) {
        const to = `/login?next=${encodeURIComponent(c.req.path)}`;
        return c.html(`<!doctype html><meta charset=utf-8><title>登录已失效</title><p>登录已失效（超时或已退出），请<a href="${to}">重新登录</a>。</p>`, 401);
      }
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    }
    if (!user.roles.some((r) => roles.includes(r))) {
      // Logged, not written to the database: a GET must never write (R33); failed authorization is still recorded (R34).
      c.get("deps").log.warn("access denied", { userId: user.userId, method: c.req.method, path: c.req.path, requestId: c.get("requestId") });
      if (c.req.path.startsWith("/api/")) return c.json({ error: "FORBIDDEN", message: "没有权限访问" }, 403);
      return c.html("<!doctype html><meta charset=utf-8><title>无权访问</title><p>您没有权限访问此页面。</p>", 403);
    }
    await next();
  };
}

/** The signed-in user; the router's requireRole guarantees one. */
export function userOf(c: Context<WebEnv>): WebUser {
  const u = c.get("user");
  if (!u) throw new Error("dashboard route reached without a user (requireRole missing)");
  return u;
}

/** The office sees every case; a unit person sees the cases of their unit (none without a unit). */
export const scopeOf = (u: WebUser): Scope => (seesAll(u) ? { all: true } : { all: false, unitId: u.unitId });
