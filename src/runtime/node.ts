/** Node entry: embedded libSQL (or sqld/Turso), files on disk, in-process schedules; serves everything on one port. */
import { serve, type ServerType } from "@hono/node-server";
import { ConfigError, localListenProblem, parseConfig } from "../config.js";
import { createApp } from "../app.js";
import type { Logger } from "../log.js";
import { warnMissingPlan } from "../schedules/calendar-plan.js";
import { createWecomClient } from "../bot/wecom/client.js";
import { wecomDeliver } from "../bot/wecom/deliver.js";
import type { Clock, Deps } from "../deps.js";
import { buildNodeDeps } from "./node-build.js";
import { startSchedules } from "../schedules/cron-node.js";
import { drainOutbox } from "../delivery/relay.js";
import { createLongConn, type LongConn } from "../bot/wecom/longconn.js";
import { longConnRoute } from "../bot/wecom/longconn-route.js";
import { channels } from "../delivery/channels.js";
import { createDingtalkChannel } from "../bot/dingtalk/deliver.js";
import { startDingtalkStream } from "../bot/dingtalk/stream.js";

export { buildNodeDeps }; // tests and older callers import it from here

export type NodeHandle = { deps: Deps; url: string; server: ServerType; longConn?: LongConn; close: () => Promise<void> };

/** The host part of this server's own URL: the wildcard addresses are reached as localhost, IPv6 in brackets. */
function urlHost(host: string): string {
  if (["0.0.0.0", "::", "[::]"].includes(host)) return "localhost";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Start the server; resolves once it listens. `schedules: false` leaves out the in-process timer (tests that drive
 * runDue themselves). `onDbExit`: a database thread died (`duban serve` exits so its supervisor restarts it).
 */
export async function startNode(env: Record<string, string | undefined> = process.env, opts: { clock?: Clock; log?: Logger; schedules?: boolean; onDbExit?: () => void } = {}): Promise<NodeHandle> {
  const config = parseConfig(env);
  // parseConfig already refuses this; checked again where the socket opens so no other path can skip it (issue 16).
  const open = config.local ? localListenProblem(config) : undefined;
  if (open) throw new ConfigError([open]);
  const { deps, store, idle } = await buildNodeDeps(config, { ...opts, dbThreads: true });
  await warnMissingPlan(deps); // a missing holiday plan is said once at start (issue 14); not on every CLI command
  // WECOM_MODE=longconn: exactly one active instance per bot — a second one with the same BotID kicks this one.
  const longConn = config.wecom.mode === "longconn" ? createLongConn(deps) : undefined;
  if (longConn) {
    deps.deliver = channels({
      wecom: longConnRoute(deps.db, longConn.deliver, wecomDeliver({ ...deps, client: createWecomClient({ apiBase: config.wecom.apiBase }) })),
      dingtalk: config.dingtalk.mode !== "off" ? createDingtalkChannel({ ...deps, config }) : undefined,
    });
  }
  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const url = `http://${urlHost(config.host)}:${port}`;
  longConn?.start();
  // DINGTALK_MODE=stream: an outbound connection to DingTalk, so an intranet host needs no public URL (issue 15).
  const dingtalkStream = config.dingtalk.mode === "stream" ? startDingtalkStream(deps) : undefined;
  // __Host- session cookies are Secure: browsers drop them on plain http anywhere but localhost (R32).
  if (/^http:\/\/(?!localhost[:/]|127\.0\.0\.1[:/]|localhost$|127\.0\.0\.1$)/.test(config.publicBaseUrl)) {
    deps.log.warn("PUBLIC_BASE_URL is plain http: dashboard sign-in only works over HTTPS (or on localhost); put a TLS reverse proxy in front", { publicBaseUrl: config.publicBaseUrl });
  }
  const schedules = opts.schedules === false ? undefined : startSchedules(deps);
  // Messages committed before a crash or stop go out now rather than at the next minute's tick (R15).
  if (schedules) deps.waitUntil(drainOutbox(deps, { now: deps.clock() }));
  return {
    deps,
    url,
    server,
    longConn,
    close: async () => {
      await schedules?.stop();
      await longConn?.stop();
      await dingtalkStream?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await idle();
      store.close();
    },
  };
}
