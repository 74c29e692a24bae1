/** A small district for tests: four units, a person for every role, groups, and a fixed clock. */
import type { Db } from "../../src/db/types.js";
import type { Deps } from "../../src/deps.js";
import { parseConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { seedCalendar } from "../../src/db/calendar-seed.js";
import { nodeDeps } from "../../src/runtime/node-deps.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import { renderWecom } from "../../src/bot/wecom/render.js";
import { simDeliver } from "../../src/bot/sim/deliver.js";
import { join } from "node:path";
import { track } from "./background.js";

export { U, seedFixture } from "./seed-fixture.js";

/** A settable clock starting at a working Tuesday morning, 2026-12-01 09:00 Asia/Shanghai. */
export function testClock(start = Date.parse("2026-12-01T01:00:00Z")) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, { set: (t: number) => void (now = t), advance: (ms: number) => void (now += ms) });
}

/** Node's own Deps (src/runtime/node-deps.ts) on the test's database, with a settable clock and a quiet logger. */
export async function testDeps(db: Db, dir: string, clock: () => number): Promise<Deps> {
  await seedCalendar(db);
  const config = parseConfig({ FILES_DIR: join(dir, "files"), LOG_LEVEL: "error" });
  return nodeDeps(config, db, {
    clock,
    log: silentLogger,
    waitUntil: track,
    deliver: simDeliver(undefined, clock), // renders like the simulator; nothing is listening
    sim: undefined,
    pdf: undefined, // tests that print the dossier pass their own
    passwords: undefined, // the portable PBKDF2 hasher; tests of scrypt pass nodeHasher
  }).deps;
}

let seq = 0;
/** Send a chat message as `userId` in `chatId` and return the joined replies. */
export async function say(deps: Deps, userId: string, chatId: string, text: string, opts: { images?: Uint8Array[]; msgId?: string } = {}): Promise<string> {
  const replies = await handleMessage(deps, {
    channel: "sim",
    msgId: opts.msgId ?? `m${++seq}-${Math.random().toString(36).slice(2)}`,
    chatId,
    chatType: chatId.startsWith("g-") ? "group" : "single",
    senderId: userId,
    text,
    uploads: (opts.images ?? []).map((bytes) => ({ bytes })),
  });
  return replies.map(renderWecom).join("\n");
}

/** A real 1×1 PNG. */
export const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
