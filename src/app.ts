/** Builds the one Hono app from its dependencies; the Node and Workers entries only build `deps`. */
import { Hono } from "hono";
import { sql } from "drizzle-orm";
import type { Deps } from "./deps.js";
import { simRoutes } from "./bot/sim/routes.js";

export type AppEnv = { Variables: { deps: Deps; requestId: string } };

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    // On Workers each request brings its own ExecutionContext; background work must hang off it.
    let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
    try {
      ctx = c.executionCtx;
    } catch {
      ctx = undefined; // Node: deps.waitUntil already tracks background work
    }
    c.set("deps", ctx ? { ...deps, waitUntil: (p) => ctx.waitUntil(p) } : deps);
    c.set("requestId", crypto.randomUUID());
    await next();
    c.header("X-Content-Type-Options", "nosniff");
  });

  app.get("/healthz", async (c) => {
    try {
      await deps.db.run(sql`select 1`);
      return c.json({ ok: true, db: "ok" });
    } catch (e) {
      deps.log.error("healthz: database check failed", { error: String(e) });
      return c.json({ ok: false, db: "error" }, 503);
    }
  });

  if (deps.config.simulator) app.route("/sim", simRoutes());

  app.get("/", (c) => (deps.config.simulator ? c.redirect("/sim") : c.text("Duban 督办 is running.")));

  // One place maps unexpected errors to a generic answer with a correlation id (R38).
  app.onError((err, c) => {
    const id = c.get("requestId");
    deps.log.error("unhandled error", { requestId: id, error: String(err?.stack ?? err) });
    return c.json({ error: "INTERNAL", message: "服务器内部错误，请稍后重试", requestId: id }, 500);
  });
  app.notFound((c) => c.json({ error: "NOT_FOUND", message: "页面不存在" }, 404));
  return app;
}
