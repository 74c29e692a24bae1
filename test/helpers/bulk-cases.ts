/** Plain cases inserted by SQL, as a bulk load would (the triggers keep search and aggregates in step). */
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/types.js";

/** n cases: unit 1 or 2 alternately, every 7th 挂牌, every 11th cancelled; text "<tag>案件<i>" / "<tag>内容<i>". */
export async function bulkCases(db: Db, n: number, now: number, tag = "批量"): Promise<void> {
  await db.run(sql`
    with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into cases (source, title, content, lead_unit_id, flagged, state, due_at, created_by, created_at, updated_at, write_token)
    select '12345', ${tag} || '案件' || i, ${tag} || '内容' || i, 1 + (i % 2), (i % 7 = 0), case when i % 11 = 0 then 'cancelled' else 'in_progress' end,
      ${now} + i * 1000, 'bulk', ${now} - i, ${now}, ${tag} || '-' || i || '-' || abs(random())
    from k`);
}
