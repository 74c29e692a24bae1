/**
 * Node's Deps from a Config and an open database, in one place: the server (src/runtime/node.ts), the CLI and the
 * test fixture (test/helpers/fixture.ts) all build them here, so a part added for production is what tests run.
 * `overrides` replaces single parts (a test's clock, logger, delivery); a part given there is not built at all.
 */
import { nodeCryptoPrimitives } from "./node-crypto.js";
import type { Config } from "../config.js";
import type { Db } from "../db/types.js";
import type { Deps } from "../deps.js";
import { diskFiles } from "../files/disk.js";
import { createLogger } from "../log.js";
import { loadCalendar } from "../db/calendar-seed.js";
import { chromiumPdf } from "../web/pdf/chromium.js";
import { SimHub } from "../bot/sim/hub.js";
import { simDeliver } from "../bot/sim/deliver.js";
import { createWecomClient } from "../bot/wecom/client.js";
import { wecomDeliver } from "../bot/wecom/deliver.js";
import { nodeHasher } from "../web/auth/password-node.js";
import { channels } from "../delivery/channels.js";
import { createDingtalkChannel } from "../bot/dingtalk/deliver.js";

export type NodeDeps = { deps: Deps; /** Resolves when the background work started so far has settled. */ idle: () => Promise<void> };

export function nodeDeps(config: Config, db: Db, overrides: Partial<Deps> = {}): NodeDeps {
  const part = <K extends keyof Deps>(k: K, make: () => Deps[K]): Deps[K] => (k in overrides ? (overrides[k] as Deps[K]) : make());
  const log = part("log", () => createLogger(config.logLevel));
  const clock = part("clock", () => () => Date.now());
  const pending = new Set<Promise<unknown>>();
  const sim = part("sim", () => (config.simulator ? new SimHub() : undefined));
  let cal: ReturnType<Deps["calendar"]> | undefined;
  const deps: Deps = {
    config,
    db,
    files: part("files", () => diskFiles(config.filesDir)),
    clock,
    log,
    calendar: part("calendar", () => () => (cal ??= loadCalendar(db, config.timezone))),
    invalidateCalendar: part("invalidateCalendar", () => () => void (cal = undefined)),
    passwords: part("passwords", () => nodeHasher),
    waitUntil: part("waitUntil", () => (p) => {
      const tracked = p.catch((e) => log.error("background task failed", { error: String(e) })).finally(() => pending.delete(tracked));
      pending.add(tracked);
    }),
    // One channel per platform, picked by the outbox target's prefix (src/delivery/channels.ts).
    deliver: part("deliver", () =>
      channels({
        wecom:
          config.wecom.mode !== "off" // longconn: still the robots' route for groups that have a key (startNode)
            ? wecomDeliver({ db, clock, log, client: createWecomClient({ apiBase: config.wecom.apiBase }) })
            : config.local // DingTalk alone: a WeCom row fails visibly instead of "arriving" in no simulator
              ? simDeliver(sim, clock)
              : undefined,
        dingtalk: config.dingtalk.mode !== "off" ? createDingtalkChannel({ db, clock, log, config }) : undefined,
      }),
    ),
    wecomCrypto: part("wecomCrypto", () => nodeCryptoPrimitives),
    recoverInbound: part("recoverInbound", () => (config.wecom.mode === "callback" ? lazyRecovery(config) : undefined)),
    dbHealth: overrides.dbHealth,
    pdf: part("pdf", () => chromiumPdf(config.chromiumPath)), // the PDF dossier, when Chromium is installed (issue 14)
    sim,
  };
  return { deps, idle: async () => void (await Promise.all([...pending])) };
}

/**
 * The recovery pass (bot/wecom/recover.ts) brings the whole chat pipeline with it: it is loaded when a scheduled run
 * first calls it, so a CLI verb that never recovers does not evaluate the pipeline (issue 12: a command's own start).
 * parseConfig has already required the token and key that callbackRecovery checks.
 */
function lazyRecovery(config: Config): NonNullable<Deps["recoverInbound"]> {
  let recovery: Promise<NonNullable<Deps["recoverInbound"]>> | undefined;
  return async (deps, at) => (await (recovery ??= import("../bot/wecom/recover.js").then((m) => m.callbackRecovery(config))))(deps, at);
}
