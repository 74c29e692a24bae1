/** Everything the app needs from its runtime, built once by src/runtime/{node,worker}.ts and passed in. */
import type { Config } from "./config.js";
import type { Db } from "./db/types.js";
import type { Files } from "./files/types.js";
import type { Logger } from "./log.js";
import type { Calendar } from "./domain/calendar.js";

export type Clock = () => number;

/** Pushes to chat: renders and sends outbox rows; the runtime routes each target prefix to a platform (src/delivery/channels.ts). */
export type Deliver = import("./delivery/types.js").Channel;

export type Deps = {
  config: Config;
  db: Db;
  files: Files;
  clock: Clock;
  log: Logger;
  /** Loads the working-day calendar (cached by the runtime; admins' edits invalidate it). */
  calendar: () => Promise<Calendar>;
  /** Run background work after the response: ctx.waitUntil on Workers, a tracked promise on Node. */
  waitUntil: (p: Promise<unknown>) => void;
  deliver: Deliver;
  /** Workers: each request brings an ExecutionContext, whose waitUntil carries that request's background work. */
  perRequestContext?: boolean;
  /** Synchronous hashing and AES for the WeCom callback where the runtime has them (Node); else WebCrypto. */
  wecomCrypto?: import("./bot/wecom/crypto.js").CryptoPrimitives;
  /** Live updates for the simulator page (local mode only). */
  sim?: import("./bot/sim/hub.js").SimHub;
  /** Password hashing for this runtime: scrypt on Node; WebCrypto PBKDF2 when absent (Workers) — R30. */
  passwords?: import("./web/auth/password.js").PasswordHasher;
  /** Re-runs inbound messages that were acknowledged but never finished (WeCom callback mode, R08); each tick. */
  recoverInbound?: (deps: Deps, at: number) => Promise<number>;
  /** Can this process write to its database right now, cheaply (embedded file; /healthz). Absent: a read is the check. */
  dbHealth?: () => Promise<import("./db/node-connection.js").DbHealth>;
  /** Drop the cached calendar after an admin edits it (this process/isolate; others reload on restart). */
  invalidateCalendar?: () => void;
  /** Prints HTML to PDF (Node with Chromium); absent on Workers, where the dossier's browser print view stays. */
  pdf?: PdfMaker;
};

/** One export's browser: `render` one page after another, then `close` (src/web/pdf/chromium.ts). */
export type PdfSession = { render: (html: string, o: { header: string }) => Promise<Uint8Array>; close: () => Promise<void> };
export type PdfMaker = { open: () => Promise<PdfSession> };
