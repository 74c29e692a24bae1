/** What every dashboard and API route sees: the deps, and the signed-in user (set by the session middleware). */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app.js";
import type { Role } from "../db/schema.js";

export type WebUser = { personId: number; userId: string; name: string; unitId: number | null; roles: Role[]; sessionId?: string; csrf?: string; via: "session" | "token" };

export type WebEnv = { Variables: AppEnv["Variables"] & { user?: WebUser } };

/** Default deny: the route runs only for a signed-in user holding one of `roles` (R34). */
export function requireRole(...roles: Role[]): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) {
      if (c.req.path.startsWith("/api/")) return c.json({ error: "UNAUTHENTICATED", message: "请先登录或提供有效的 API 令牌" }, 401);
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    }
    if (!user.roles.some((r) => roles.includes(r))) {
      if (c.req.path.startsWith("/api/")) return c.json({ error: "FORBIDDEN", message: "没有权限访问" }, 403);
      return c.html("<!doctype html><meta charset=utf-8><title>无权访问</title><p>您没有权限访问此页面。</p>", 403);
    }
    await next();
  };
}
