/**
 * A DingTalk-mode app for the dingtalk-* tests: a real libSQL file, the fixture district moved onto DingTalk
 * (groups "cid-…" with platform dingtalk, people with staff ids "dt-…"), the DingTalk channel as the relay's
 * deliver, POST /dingtalk/callback served on 127.0.0.1, and the fake DingTalk on its own loopback port.
 */
import { Hono } from "hono";
import { sql } from "drizzle-orm";
import type { ServerType } from "@hono/node-server";
import { dingtalkCallback } from "../../src/bot/dingtalk/callback.js";
import { createDingtalkChannel } from "../../src/bot/dingtalk/deliver.js";
import { parseConfig } from "../../src/config.js";
import { channels } from "../../src/delivery/channels.js";
import type { Deps } from "../../src/deps.js";
import { createLogger } from "../../src/log.js";
import { settleBackground } from "./background.js";
import { tempDb } from "./db.js";
import { APP_KEY, APP_SECRET, FakeDingtalk, ROBOT_CODE } from "./fake-dingtalk.js";
import { seedFixture, testClock, testDeps } from "./fixture.js";
import { serveLoopback } from "./net.js";

/** staffId of a fixture person ("hh.head" → "dt-hh.head"); "gone" (inactive) has one too. */
export const staff = (userId: string) => `dt-${userId}`;
export const cid = (chat: string) => `cid-${chat}`;

export async function dingtalkApp(extraEnv: Record<string, string> = {}) {
  const store = await tempDb();
  const clock = testClock();
  const fake = await new FakeDingtalk().start();
  fake.now = clock;
  const logs: string[] = [];
  const base = await testDeps(store.db, store.dir, clock);
  const config = parseConfig({
    FILES_DIR: `${store.dir}/files`, LOG_LEVEL: "debug", SESSION_SECRET: "s".repeat(40), SIMULATOR: "false", DEMO_SEED: "false",
    DINGTALK_MODE: "http", DINGTALK_APP_KEY: APP_KEY, DINGTALK_APP_SECRET: APP_SECRET, DINGTALK_ROBOT_CODE: ROBOT_CODE, DINGTALK_API_BASE: fake.url, ...extraEnv,
  });
  const log = createLogger("debug", (l) => logs.push(l));
  const deps: Deps = { ...base, config, log, deliver: channels({ dingtalk: createDingtalkChannel({ db: store.db, clock, log, config }) }) };
  await seedFixture(store.db);
  await store.db.run(sql`update groups set platform = 'dingtalk', chat_id = 'cid-' || chat_id`);
  await store.db.run(sql`update people set dingtalk_id = 'dt-' || user_id`);

  const app = new Hono<{ Variables: { deps: Deps } }>();
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.route("/dingtalk/callback", dingtalkCallback(config));
  const { server, url } = await serveLoopback(app.fetch);

  return {
    deps, db: store.db, clock, fake, logs, url,
    async close() {
      await settleBackground();
      await new Promise<void>((r) => (server as ServerType).close(() => r()));
      await fake.stop();
      await store.cleanup();
    },
  };
}

/** Waits (polling, bounded by attempts, not by a clock assertion) until `fn` returns something. */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
