/**
 * Imported cases are announced (issue 11): one message per unit group listing its newly imported cases with their
 * deadlines and a 签收 button, queued in the import's own swap batch so the announcement exists exactly when the
 * cases do. Composed in SQL because the case numbers are assigned inside that batch. No @-mentions: the scheduled
 * 签收 reminders @ the unit within the one-@-per-person-per-day budget; this is one quiet message per group.
 * The payload is neutral content (src/domain/message.ts), rendered by each channel.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "./write.js";
import { outbox } from "./schema.js";
import { selectAll } from "./select-all.js";
import type { Db } from "./types.js";

/** Cases listed per group; the rest are counted and found in the ledger. */
export const ANNOUNCE_LINES = 30;

/** "12月5日" of an epoch-ms column in the business zone (`offsetSec`: its UTC offset at the import). */
const md = (col: string, offsetSec: number) =>
  `cast(strftime('%m', ${col} / 1000 + ${offsetSec}, 'unixepoch') as integer) || '月' || cast(strftime('%d', ${col} / 1000 + ${offsetSec}, 'unixepoch') as integer) || '日'`;

export function announceImport(db: Db, importId: string, o: { at: number; source: string; offsetMs: number }): BatchItem {
  const off = Math.round(o.offsetMs / 1000);
  const n = ANNOUNCE_LINES;
  const ctes = sql`
    WITH listed AS (
      SELECT c.id, c.title, c.ack_by, c.due_at, c.lead_unit_id AS u,
        row_number() OVER (PARTITION BY c.lead_unit_id ORDER BY c.id) AS rn,
        count(*) OVER (PARTITION BY c.lead_unit_id) AS n
      FROM import_staging s JOIN cases c ON c.write_token = s.write_token
      WHERE s.import_id = ${importId} AND c.lead_unit_id IS NOT NULL
    ),
    blocks AS (
      SELECT u, 0 AS ord, json_object('kind', 'title', 'spans', json_array('新交办（' || ${o.source} || '清单导入）' || n || ' 件')) AS b FROM listed WHERE rn = 1
      UNION ALL
      SELECT u, rn, json_object('kind', 'line', 'spans', json_array('#' || id || ' ' || title || ' · 签收时限 ' || ${sql.raw(md("ack_by", off))} || ' · 办结时限 ' || ${sql.raw(md("due_at", off))}))
        FROM listed WHERE rn <= ${n} AND ack_by IS NOT NULL AND due_at IS NOT NULL
      UNION ALL
      SELECT u, ${n + 1}, json_object('kind', 'line', 'spans', json_array('……另有 ' || (n - ${n}) || ' 件，请在督办台账中查看')) FROM listed WHERE rn = 1 AND n > ${n}
      UNION ALL
      SELECT u, ${n + 2}, json_object('kind', 'quote', 'spans', json_array('请按时签收；不属于本单位的请发送：退回 #案件号 原因')) FROM listed WHERE rn = 1
      UNION ALL
      SELECT u, ${n + 3}, json_object('kind', 'buttons', 'buttons', json_array(json_object('label', '签收', 'style', 'primary', 'command',
          '签收 ' || (SELECT group_concat('#' || l.id, ' ') FROM (SELECT id FROM listed l2 WHERE l2.u = listed.u AND l2.rn <= ${n} ORDER BY l2.id) l))))
        FROM listed WHERE rn = 1
    )`;
  const row = selectAll(
    outbox,
    {
      idempotencyKey: sql`'import:' || ${importId} || ':' || g.chat_id`,
      channel: sql`'group'`,
      target: sql`coalesce(nullif(g.platform, ''), 'wecom') || ':' || g.chat_id`,
      payload: sql`json_object('message', json_object('blocks', (SELECT json_group_array(json(b)) FROM (SELECT b FROM blocks WHERE blocks.u = g.unit_id ORDER BY ord))), 'mentions', json_array())`,
      caseId: sql`null`,
      status: sql`'pending'`,
      attempts: sql`0`,
      nextAttemptAt: sql`${o.at}`,
      createdAt: sql`${o.at}`,
    },
    sql`FROM groups g WHERE g.purpose = 'unit' AND g.unit_id IN (SELECT DISTINCT u FROM listed)`,
  );
  // D1 batches only query-builder statements: INSERT … (WITH … SELECT …) through drizzle, not raw SQL.
  return db.insert(outbox).select(sql`${ctes} ${row}`).onConflictDoNothing({ target: outbox.idempotencyKey });
}
