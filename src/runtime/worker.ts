/** Workers entry: fetch + scheduled. State in D1 (binding DB) or libSQL over HTTP; files in R2 (binding FILES). */
import { drizzle as drizzleD1 } from "drizzle-orm/d1";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import { createClient } from "@libsql/client/web";
import { assertResidency, ConfigError, parseConfig } from "../config.js";
import { createApp } from "../app.js";
import * as schema from "../db/schema.js";
import type { Db } from "../db/types.js";
import { r2Files } from "../files/r2.js";
import { createLogger } from "../log.js";
import { loadCalendar, seedCalendar } from "../db/calendar-seed.js";
import { seedDemo } from "../db/seed-demo.js";
import { simDeliver } from "../bot/sim/deliver.js";
import { createWecomClient } from "../bot/wecom/client.js";
import { wecomDeliver } from "../bot/wecom/deliver.js";
import { channels } from "../delivery/channels.js";
import { createDingtalkChannel } from "../bot/dingtalk/deliver.js";
import { callbackRecovery } from "../bot/wecom/recover.js";
import { SimHub } from "../bot/sim/hub.js";
import type { Deps } from "../deps.js";
import { runScheduled } from "../schedules/run.js";

export type WorkerEnv = { DB?: D1Database; FILES?: R2Bucket } & Record<string, unknown>;

function stringVars(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function openDb(env: WorkerEnv, url: string, authToken?: string): Db {
  if (env.DB) return drizzleD1(env.DB, { schema }) as unknown as Db;
  // Migrations cannot run inside a Worker (the migrator reads files): apply them with drizzle-kit beforehand.
  return drizzleLibsql(createClient({ url, authToken }), { schema }) as unknown as Db;
}

// Built once per isolate and per env object; a request only swaps in its own waitUntil.
let cached: { env: WorkerEnv; deps: Omit<Deps, "waitUntil">; app: ReturnType<typeof createApp>; demo?: Promise<unknown> } | undefined;

function baseDeps(env: WorkerEnv): Omit<Deps, "waitUntil"> {
  if (cached?.env === env) return cached.deps;
  // §7 decision 1: the Workers build is for deployments without complainant data or with the client's sign-off, so
  // DATA_RESIDENCY defaults to off here; set to cn, a D1 binding (stored outside the mainland) refuses to start and
  // DATABASE_URL must be on APPROVED_DB_HOSTS (R40(b)).
  const vars = stringVars(env);
  const config = parseConfig({ ...vars, DATA_RESIDENCY: vars.DATA_RESIDENCY || "off", DATABASE_URL: env.DB ? undefined : (env.DATABASE_URL as string | undefined) });
  if (!env.DB && !env.DATABASE_URL) throw new Error("Set a D1 binding named DB or DATABASE_URL (libsql:// or https://)");
  assertResidency(config, { d1: Boolean(env.DB) });
  if (!env.FILES) throw new Error("Set an R2 binding named FILES for evidence files");
  // The long connection is a WebSocket client that must live between requests: only a Node host can keep it.
  if (config.wecom.mode === "longconn") throw new ConfigError(["WECOM_MODE=longconn needs a Node host (npm start); on Workers use WECOM_MODE=callback"]);
  // Stream mode is a WebSocket client too (dingtalk.md §2): refused here rather than silently receiving nothing.
  if (config.dingtalk.mode === "stream") throw new ConfigError(["DINGTALK_MODE=stream needs a Node host (npm start); on Workers use DINGTALK_MODE=http (callback URL …/dingtalk/callback)"]);
  // PBKDF2 on Workers stops at 100,000 iterations, below OWASP's figure; admin MFA is the compensation (R30).
  if (!config.local && !config.adminMfa) throw new Error("ADMIN_MFA cannot be off on Workers outside local mode: administrators' passwords are hashed with PBKDF2 (capped at 100,000 iterations), so their second factor is mandatory");
  const db = openDb(env, config.databaseUrl, config.databaseAuthToken);
  const log = createLogger(config.logLevel);
  const clock = () => Date.now();
  let calendar: Promise<Awaited<ReturnType<Deps["calendar"]>>> | undefined;
  const sim = config.simulator ? new SimHub() : undefined;
  const deps: Omit<Deps, "waitUntil"> = {
    perRequestContext: true,
    config,
    db,
    files: r2Files(env.FILES),
    clock,
    log,
    // Seeding is idempotent (insert-or-ignore), so the first request of each isolate may do it.
    calendar: () => (calendar ??= seedCalendar(db).then(() => loadCalendar(db, config.timezone))),
    invalidateCalendar: () => void (calendar = undefined),
    // One channel per platform, picked by the outbox target's prefix (src/delivery/channels.ts).
    deliver: channels({
      // DingTalk alone (WECOM_MODE=off outside local mode): a WeCom row fails visibly rather than "arriving" nowhere.
      wecom: config.wecom.mode === "callback" ? wecomDeliver({ db, clock, log, client: createWecomClient({ apiBase: config.wecom.apiBase }) }) : config.local ? simDeliver(sim, clock) : undefined,
      dingtalk: config.dingtalk.mode === "http" ? createDingtalkChannel({ db, clock, log, config }) : undefined,
    }),
    recoverInbound: config.wecom.mode === "callback" ? callbackRecovery(config) : undefined,
    sim,
  };
  // The app's own waitUntil is replaced per request from c.executionCtx (see app.ts).
  cached = { env, deps, app: createApp({ ...deps, waitUntil: () => {} }) };
  return deps;
}

function depsFor(env: WorkerEnv, ctx: ExecutionContext): Deps {
  return { ...baseDeps(env), waitUntil: (p) => ctx.waitUntil(p) };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** A setting that stops the start is named in the answer (never a value), so `wrangler dev` shows what to set. */
function startFailure(e: unknown): Response {
  const what = e instanceof ConfigError ? e.problems.join("\n") : e instanceof Error ? e.message : String(e);
  const text = `督办服务未能启动，请检查设置：\nDuban could not start; check the settings:\n${what}\n\n本地试用请运行 npm run dev:worker（本地模式，含演示数据）。\nTo try it locally run npm run dev:worker (local mode with the demo district).\n`;
  return new Response(text, { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let deps: Omit<Deps, "waitUntil">;
    try {
      deps = baseDeps(env);
    } catch (e) {
      return startFailure(e);
    }
    if (deps.config.local) {
      // Local mode has a simulator and password-less login links: only for `wrangler dev` on this machine.
      if (!LOOPBACK.test(new URL(request.url).hostname)) {
        return new Response("本地模式（WECOM_MODE=off）只能在本机访问；部署时请设置 WECOM_MODE=callback。\nLocal mode answers on localhost only.", { status: 403 });
      }
      // The demo district on first use, as `npm start` does; insert-or-ignore, so a race between isolates is harmless.
      if (deps.config.demoSeed) {
        const c = cached!;
        c.demo ??= seedDemo(deps.db, { now: deps.clock(), files: deps.files }).catch((e) => {
          c.demo = undefined;
          throw e;
        });
        await c.demo;
      }
    }
    return cached!.app.fetch(request, env, ctx);
  },
  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    await runScheduled(depsFor(env, ctx), controller.scheduledTime);
  },
} satisfies ExportedHandler<WorkerEnv>;
