/**
 * `duban reindex` (issue 12 item 6): a file grown BY SQL with the triggers dropped has empty derived tables; reindex
 * fills them with exactly what a plain recount of the cases (and, for note_search, of the notes) says, and running
 * it again changes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grow } from "../../bench/scale-grow.js";
import { progressPrinter, reindexCommand } from "../../src/cli-reindex.js";
import { DERIVED, rebuildDerived } from "../../src/db/derived.js";
import { openNodeDb, type OpenDb } from "../../src/db/open-node.js";

const CASES = 3_000;
const dir = mkdtempSync(join(tmpdir(), "duban-reindex-"));
let store: OpenDb;

beforeAll(async () => {
  await grow(join(dir, "city.db"), CASES, { units: 12, chunk: 700 });
  store = await openNodeDb(`file:${join(dir, "city.db")}`);
}, 120_000);
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

type CaseRow = { id: number; unit: number | null; source: string; batch: number | null; state: string; outcome: string | null; due: number | null; closedAt: number | null; created: number; rebounds: number; title: string; content: string; externalNo: string | null };
const OPEN = ["pending_ack", "in_progress", "pending_review", "returned"];
const OVERDUE_STATES = ["pending_ack", "in_progress", "returned"];
/** The business day (UTC+8) of an instant. */
const dayOf = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

async function cases(): Promise<CaseRow[]> {
  return store.db.all<CaseRow>(sql`select id, lead_unit_id as unit, source, batch_id as batch, state, outcome, due_at as due, closed_at as closedAt,
    created_at as created, rebound_count as rebounds, title, content, external_no as externalNo from cases order by id`);
}

/** case_totals and unit_day_stats as a recount in plain code says they must be (cancelled cases do not count). */
function recount(rows: CaseRow[]) {
  const totals = new Map<string, number[]>();
  const days = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, v: number[]) => m.set(key, (m.get(key) ?? v.map(() => 0)).map((x, i) => x + v[i]));
  for (const c of rows) {
    if (c.state === "cancelled") continue;
    const unit = c.unit ?? 0;
    const closed = c.state === "closed";
    const onTime = closed && (c.due === null || (c.closedAt !== null && c.closedAt <= c.due));
    const staged = closed && c.outcome === "staged";
    add(totals, `${unit}|${c.source}|${c.batch ?? 0}`, [1, +closed, +staged, +OPEN.includes(c.state), +onTime, c.rebounds]);
    add(days, `${unit}|${dayOf(c.created)}`, [1, 0, 0, 0, 0]);
    if (closed && c.closedAt !== null) add(days, `${unit}|${dayOf(c.closedAt)}`, [0, 1, +staged, +onTime, 0]);
    if (OVERDUE_STATES.includes(c.state) && c.due !== null) add(days, `${unit}|${dayOf(c.due)}`, [0, 0, 0, 0, 1]);
  }
  const sorted = (m: Map<string, number[]>) => [...m].map(([k, v]) => `${k}|${v.join(",")}`).sort();
  return { totals: sorted(totals), days: sorted(days) };
}

async function derived() {
  const totals = await store.db.all<Record<string, number | string>>(sql`select unit_id, source, batch_id, total, closed, staged, open, closed_on_time, rebounds from case_totals where total != 0 or rebounds != 0`);
  const days = await store.db.all<Record<string, number | string>>(sql`select unit_id, day, received, closed, staged, closed_on_time, due_open from unit_day_stats
    where received != 0 or closed != 0 or due_open != 0`);
  const search = await store.db.all<{ id: number; title: string; content: string; external_no: string }>(sql`select rowid as id, title, content, external_no from case_search order by rowid`);
  const notes = await store.db.all<{ id: number; text: string; c: number }>(sql`select rowid as id, text, case_id as c from note_search order by rowid`);
  return {
    totals: totals.map((r) => `${r.unit_id}|${r.source}|${r.batch_id}|${[r.total, r.closed, r.staged, r.open, r.closed_on_time, r.rebounds].join(",")}`).sort(),
    days: days.map((r) => `${r.unit_id}|${r.day}|${[r.received, r.closed, r.staged, r.closed_on_time, r.due_open].join(",")}`).sort(),
    search,
    notes,
  };
}

/** note_search as it must be: one row per person's 进展/备注 event with text (system notes left out). */
const notesWanted = () =>
  store.db.all<{ id: number; text: string; c: number }>(sql`select id, text, case_id as c from case_events
    where kind in ('progress', 'note') and actor_user_id != 'system' and coalesce(text, '') != '' order by id`);

const quiet = { write: () => true, isTTY: false };

describe("duban reindex", () => {
  it("finds the derived tables empty after a load by SQL, and fills them as a plain recount says", async () => {
    const before = await derived();
    expect(before.totals).toEqual([]);
    expect(before.days).toEqual([]);
    expect(before.search).toEqual([]);
    expect(before.notes).toEqual([]);

    expect(await reindexCommand(store.db, [], quiet)).toBe(0);
    const rows = await cases();
    expect(rows).toHaveLength(CASES);
    const want = recount(rows);
    const got = await derived();
    expect(got.totals).toEqual(want.totals);
    expect(got.days).toEqual(want.days);
    expect(got.search.map((s) => [s.id, s.title, s.content, s.external_no])).toEqual(rows.map((c) => [c.id, c.title, c.content, c.externalNo ?? ""]));
    // The index answers: a case found by its 受理编号 and by words of its text.
    const probe = rows[1234];
    const hit = await store.db.all<{ id: number }>(sql`select rowid as id from case_search where case_search match ${`"${probe.externalNo}"`}`);
    expect(hit.map((h) => h.id)).toEqual([probe.id]);
    // Every person's note is its own row of note_search.
    const notes = await notesWanted();
    expect(notes.length).toBeGreaterThan(CASES / 10);
    expect(got.notes).toEqual(notes);
  });

  it("is idempotent: a second run leaves the same rows, and it repairs deleted or damaged derived rows", async () => {
    const first = await derived();
    await reindexCommand(store.db, [], quiet);
    expect(await derived()).toEqual(first);
    await store.db.batch([
      store.db.run(sql`delete from unit_day_stats where unit_id = 1`),
      store.db.run(sql`update case_totals set total = total + 7`),
      store.db.run(sql`delete from case_search where rowid % 2 = 0`),
      store.db.run(sql`delete from note_search where rowid % 3 = 0`),
      store.db.run(sql`update note_search set text = '篡改', case_id = 0 where rowid in (select rowid from note_search where rowid % 3 = 1 limit 20)`),
      store.db.run(sql`insert into note_search (rowid, text, case_id) values ((select max(id) from case_events) + 5, '多余的备注', 1)`),
    ]);
    expect(await derived()).not.toEqual(first);
    await reindexCommand(store.db, [], quiet);
    expect(await derived()).toEqual(first);
  });

  it("rebuilds only what --only names, and refuses an unknown name", async () => {
    await store.db.run(sql`delete from case_search`);
    await store.db.run(sql`delete from note_search`);
    await store.db.run(sql`delete from unit_day_stats`);
    const done = await rebuildDerived(store.db, { only: ["search"], now: () => 0 });
    expect(done.map((d) => d.name)).toEqual(["search"]);
    expect(done[0].tables).toEqual(["case_search", "note_search"]);
    expect((await derived()).days).toEqual([]);
    expect((await derived()).search).toHaveLength(CASES);
    expect((await derived()).notes).toEqual(await notesWanted());
    await expect(rebuildDerived(store.db, { only: ["nope"], now: () => 0 })).rejects.toThrow("未知的派生数据 unknown derived data: nope（可选 known: stats, search）");
    await reindexCommand(store.db, [], quiet);
    expect((await derived()).days).toEqual(recount(await cases()).days);
  });

  it("has an entry for every table the triggers on cases and events write", async () => {
    const triggers = await store.db.all<{ sql: string }>(sql`select sql from sqlite_master where type = 'trigger' and tbl_name in ('cases', 'case_events')`);
    const written = new Set(triggers.flatMap((t) => [...t.sql.slice(t.sql.search(/\bBEGIN\b/i)).matchAll(/(?:INSERT\s+INTO|(?<!DO\s+)UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)/gi)].map((m) => m[1])));
    for (const own of ["cases", "case_events"]) written.delete(own);
    expect([...written].sort()).toEqual(["case_search", "case_totals", "note_search", "unit_day_stats"]);
    expect(DERIVED.flatMap((d) => d.tables).sort()).toEqual([...written].sort());
  });

  it("prints progress as one rewritten line on a terminal and as plain 10 % lines otherwise", () => {
    const d = { ...DERIVED[0] };
    const capture = (isTTY: boolean) => {
      let text = "";
      const p = progressPrinter({ write: (s: string) => (text += s), isTTY });
      p.start(d);
      for (let i = 0; i <= 1000; i += 10) p.progress(d, i, 1000);
      p.done({ ...d, ms: 1500 });
      return text;
    };
    const plain = capture(false);
    expect(plain).not.toContain("\r");
    expect(plain.split("\n").filter((l) => l.includes("/1,000 ("))).toHaveLength(11); // 0 %, 10 %, … 100 %
    expect(plain).toContain("已重建 案件统计与单位每日统计 (case_totals, unit_day_stats)，用时 1.5 s");
    const tty = capture(true);
    expect(tty.split("\n")).toHaveLength(2); // one updating line, then the result line
    expect(tty).toContain("\r\x1b[K重建");
  });
});
