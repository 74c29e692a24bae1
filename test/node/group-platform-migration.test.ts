/**
 * Migration 0016 (issue 15): groups get a platform (wecom), and outbox rows written before it get the prefixed
 * target "<platform>:<chat>"; such old rows (WeCom markdown, unprefixed) still deliver through the router.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrateNodeDb, openNodeDb } from "../../src/db/open-node.js";
import { outbox } from "../../src/db/schema.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { channels } from "../../src/delivery/channels.js";
import { renderWecomChunks } from "../../src/bot/wecom/render.js";
import type { Channel } from "../../src/delivery/types.js";
import { silentLogger } from "../../src/log.js";

const dir = mkdtempSync(join(tmpdir(), "duban-platform-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The migrations as they were before 0016. */
function folderBefore(tag: string): string {
  const folder = join(dir, "drizzle-old");
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const path = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(path, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  writeFileSync(path, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return folder;
}

describe("migration 0016_group_platform", () => {
  it("defaults groups to wecom, prefixes old outbox targets once, and the old rows still deliver", async () => {
    const store = await openNodeDb(`file:${join(dir, "old.db")}`);
    await migrate(store.db as never, { migrationsFolder: folderBefore("0016_group_platform") });
    const url = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc";
    await store.db.run(sql`insert into groups (chat_id, name, purpose) values ('wrkOLD', '旧群', 'command')`);
    for (const [key, channel, target, payload] of [
      ["g", "group", "wrkOLD", { markdown: "**旧推送**", mentions: ["hh.head"] }],
      ["u", "user", "hh.head", { text: "旧单聊" }],
      ["r", "response_url", url, { markdown: "迟到", expiresAt: 1 }],
      ["s", "group", "single:hh.head", { markdown: "模拟单聊" }],
    ] as const) {
      await store.db.run(sql`insert into outbox (idempotency_key, channel, target, payload, status, next_attempt_at, created_at) values (${key}, ${channel}, ${target}, ${JSON.stringify(payload)}, 'pending', 0, 0)`);
    }

    await migrateNodeDb(store.db); // the rest, 0016 included
    expect(await store.db.all(sql`select chat_id as chatId, platform from groups`)).toEqual([{ chatId: "wrkOLD", platform: "wecom" }]);
    const rows = await store.db.select().from(outbox).orderBy(asc(outbox.id));
    expect(rows.map((r) => r.target)).toEqual(["wecom:wrkOLD", "wecom:hh.head", `wecom:${url}`, "wecom:single:hh.head"]);

    const sent: [string, string, unknown][] = [];
    const wecom: Channel = { render: (row) => renderWecomChunks(row.payload), send: async (row, chunk) => (sent.push([row.channel, row.target, chunk]), { ok: true }) };
    const r = await drainOutbox({ db: store.db, log: silentLogger, clock: () => 1_000, deliver: channels({ wecom }) });
    expect(r).toMatchObject({ sent: 4, failed: 0 });
    expect(sent).toEqual([
      ["group", "wrkOLD", { markdown: "**旧推送**", mentions: ["hh.head"] }],
      ["user", "hh.head", { text: "旧单聊" }],
      ["response_url", url, { markdown: "迟到" }],
      ["group", "single:hh.head", { markdown: "模拟单聊" }],
    ]);
    store.close();
  });
});
