/** Builds the one Hono app from its dependencies; the Node and Workers entries only build `deps`. */
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { leases } from "./db/schema.js";
import { LEASE } from "./schedules/lease.js";
import type { Deps } from "./deps.js";
import { simRoutes } from "./bot/sim/routes.js";
import { csrfProtection, securityHeaders, setHeaders } from "./web/security.js";
import { bodyLimit, bodyTooLarge, tooLarge } from "./web/body-limit.js";
import { sessionMiddleware } from "./web/auth/session.js";
import { authRoutes } from "./web/auth/routes.js";
import { adminRoutes } from "./web/admin/routes.js";
import { wecomCallback } from "./bot/wecom/callback.js";
import { dingtalkCallback } from "./bot/dingtalk/callback.js";
import { dashboardRoutes } from "./web/pages/index.js";
import { apiRoutes } from "./api/index.js";
import { calendarBanner } from "./web/calendar-banner.js";
import { missingPlanYear } from "./domain/calendar.js";

// The environment types live in a leaf (src/env.ts) so that no route imports this module back.
import type { AppEnv } from "./env.js";
export type { AppEnv };

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    // On Workers each request brings its own ExecutionContext; background work must hang off it.
    let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
    // Node has no ExecutionContext (deps.waitUntil tracks background work there) and Hono's getter throws for it:
    // asked only where the runtime passes one, so a Node request does not pay for an exception.
    if (deps.perRequestContext) {
      try {
        ctx = c.executionCtx;
      } catch {
        ctx = undefined;
      }
    }
    c.set("deps", ctx ? { ...deps, waitUntil: (p) => ctx.waitUntil(p) } : deps);
    c.set("requestId", crypto.randomUUID());
    await next();
    if (!c.res.headers.has("X-Content-Type-Options")) setHeaders(c, [["X-Content-Type-Options", "nosniff"]]);
  });

  // Headers on every response, then the body cap (R09: unknown path 404 and oversized 413 before a byte is read),
  // then who is signed in, then CSRF on every state-changing request (R32, R33).
  app.use("*", securityHeaders());
  app.use("*", bodyLimit(app));
  app.use("*", sessionMiddleware());
  app.use("*", csrfProtection());
  app.use("*", calendarBanner()); // admins and dispatchers: a year's holiday plan is missing (issue 14)

  // One primary-key read that also proves the database answers. `lastTickAt`: the last instant the scheduler
  // (croner on Node, Cron Triggers on Workers) finished a run — the schedules lease's watermark; absent until the
  // first run. Read-only, public, and nothing but a timestamp (`duban smoke` checks its age).
  app.get("/healthz", async (c) => {
    try {
      // A database that reads but cannot write is not healthy (issue 16): the probe waits ≤ 100 ms for the lock.
      const write = deps.dbHealth ? await deps.dbHealth() : "ok";
      const [lease] = await deps.db.select({ watermark: leases.watermark }).from(leases).where(eq(leases.name, LEASE));
      const tick = lease?.watermark;
      const last = tick ? { lastTickAt: new Date(tick).toISOString() } : {};
      if (write !== "ok") return c.json({ ok: false, db: write, ...last }, 503);
      // A missing official holiday plan (issue 14): from the cached calendar, so the probe stays one query.
      const missingYear = missingPlanYear(await deps.calendar(), deps.clock());
      return c.json({ ok: true, db: "ok", ...last, ...(missingYear ? { calendar: { missingYear } } : {}) });
    } catch (e) {
      deps.log.error("healthz: database check failed", { error: String(e) });
      return c.json({ ok: false, db: "error" }, 503);
    }
  });

  if (deps.config.simulator) app.route("/sim", simRoutes());
  app.route("/", authRoutes());
  app.route("/admin", adminRoutes());
  app.route("/dashboard", dashboardRoutes());
  app.route("/api/v1", apiRoutes());
  if (deps.config.wecom.mode === "callback") app.route("/wecom/callback", wecomCallback(deps.config, { primitives: deps.wecomCrypto }));
  if (deps.config.dingtalk.mode === "http") app.route("/dingtalk/callback", dingtalkCallback(deps.config));

  app.get("/", (c) => (deps.config.simulator ? c.redirect("/sim") : c.text("Duban 督办 is running.")));

  // One place maps unexpected errors to a generic answer with a correlation id (R38).
  app.onError((err, c) => {
    const big = bodyTooLarge(err); // a route read past the body cap (R09): the 413, not a logged 500
    if (big) return tooLarge(c, big.limit);
    const id = c.get("requestId");
    deps.log.error("unhandled error", { requestId: id, error: String(err?.stack ?? err) });
    return c.json({ error: "INTERNAL", message: "服务器内部错误，请稍后重试", requestId: id }, 500);
  });
  app.notFound((c) => c.json({ error: "NOT_FOUND", message: "页面不存在" }, 404));
  return app;
}
