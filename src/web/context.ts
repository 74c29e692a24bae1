/** What every dashboard and API route sees: the deps, and the signed-in user (set by the session middleware). */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app.js";
import type { Role } from "../db/schema.js";

export type WebUser = {
  personId: number; userId: string; name: string; unitId: number | null; roles: Role[]; sessionId?: string; csrf?: string; via: "session" | "token";
  /** Set per page for admins and dispatchers while a year's holiday plan is missing (web/calendar-banner.ts). */
  calendarMissingYear?: number;
};

export type WebEnv = {
  Variables: AppEnv["Variables"] & {
    user?: WebUser;
    /** Set when the request presented a session that has ended (logout, idle, 12 h, disabled): answer 401, not a redirect. */
    authEnded?: string;
    /** This response's CSP nonce: inline <script nonce={…}> must carry it (src/web/security.ts). */
    cspNonce?: string;
  };
};

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
