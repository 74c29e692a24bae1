/**
 * Full-text search over cases (issue 12): two FTS5 tables with the trigram tokenizer, kept in step by triggers
 * (drizzle/0018_case_search.sql, drizzle/0036_note_search.sql):
 * - `case_search`, rowid = case id: title, content, place, 受理编号 and notes (调查核实, 整改, 回访备注 — columns of the
 *   case);
 * - `note_search`, rowid = case_events.id: the text of one person's 进展/备注 event (system notes left out) and its
 *   case_id. A note is indexed once, on its own: adding one costs O(note), not a rewrite of the case's document.
 *
 * A query is split at spaces; a case is a hit when EVERY word occurs in it (its case_search row or any of its notes).
 * Words of ≥ 3 characters go to MATCH as phrases; trigram cannot index anything shorter, so 1–2 character words are
 * matched by LIKE (the case's row and its note events, read by case id). The hits are:
 * - A: case_search MATCH every long word (each short word then in the row or a note), ranked by bm25 as before;
 * - B: for each long word, the newest notes holding it (NOTE_POOL shared among the long words; NOTE_POOL_ALL for
 *   the export's unranked filter), whose case holds every other word too (checked per candidate case: a rowid-bound
 *   MATCH of its case_search row, or LIKE over its note events). They rank after every A hit (r = 1; bm25 is ≤ 0),
 *   newest first.
 * A hit whose words are all in case_search is always in A (up to the cap, as before); one with a long word only in
 * a note is in B unless that word's notes are so common that the note is older than its word's share of the pool.
 * Alone, short words look at the newest SHORT_WINDOW cases and their notes (newest first, no rank), so that a
 * two-character search never scans every case or every event.
 * similar-cases.ts MATCHes case_search only: repeat complaints compare complaints, not officers' notes.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./types.js";

/** At most this many MATCH hits (the newest) are ranked and filtered per search; the UI says so when reached. */
export const SEARCH_CAP = 2000;
/** A search made only of 1–2 character words looks at this many of the newest cases. */
export const SHORT_WINDOW = 50_000;
/** Candidate notes per search (the newest holding a long word, shared among the long words), each case checked. */
export const NOTE_POOL = 2000;
/** The same for an unranked filter (searchHits without a cap: the export), as many as the export's rows. */
export const NOTE_POOL_ALL = 20_000;

// bm25 weights in column order (title, content, place, external_no, notes): a hit in the 受理编号 or the title says
// more than one in the long text.
const RANK = sql.raw(`bm25(case_search, 5.0, 1.0, 2.0, 10.0, 1.0)`);
const COLUMNS = ["title", "content", "place", "external_no", "notes"] as const;
/** The newest SHORT_WINDOW case ids are those above this. */
const WINDOW_FLOOR = sql`coalesce((select max(id) from cases), 0) - ${SHORT_WINDOW}`;

/**
 * A search uses at most this many words (the first ones typed). Each word is bound several times (a note candidate is
 * checked for every other word) and D1 binds at most 100 parameters per statement: five words take at most 64,
 * leaving room for the ledger's filters; six could take 89, seven 119.
 */
export const MAX_SEARCH_WORDS = 5;

/** `ignored`: the words after the first MAX_SEARCH_WORDS, which the search leaves out (the page says so). */
export type SearchTerms = { long: string[]; short: string[]; ignored?: string[] };

export function searchTerms(q: string): SearchTerms {
  const all = [...new Set(q.trim().split(/\s+/).filter(Boolean))];
  const words = all.slice(0, MAX_SEARCH_WORDS);
  const len = (w: string) => [...w].length;
  const terms: SearchTerms = { long: words.filter((w) => len(w) >= 3), short: words.filter((w) => len(w) < 3) };
  if (all.length > words.length) terms.ignored = all.slice(words.length);
  return terms;
}

/** An FTS5 query of phrases, all required; a `"` inside a word is doubled, so input is never FTS syntax. */
export const matchExpression = (long: string[]) => long.map((w) => `"${w.replaceAll('"', '""')}"`).join(" AND ");

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
const likeOf = (w: string) => `%${escapeLike(w)}%`;

/** The events note_search holds, as its trigger chooses them (keep the two in step). */
const IS_NOTE = sql.raw(`e.kind IN ('progress', 'note') AND e.actor_user_id != 'system' AND coalesce(e.text, '') != ''`);

/** Short word `w` in a column of the current case_search row (LIKE: trigram cannot index 1–2 characters). */
const inRow = (w: string) => {
  const pat = likeOf(w);
  return sql`(${sql.join(COLUMNS.map((c) => sql`case_search.${sql.raw(c)} like ${pat} escape '\\'`), sql` or `)})`;
};

/** Word `w` in a note of case `id`: that case's events through case_events_case_idx (a few rows per case). */
const inNotes = (id: SQL, w: string) => sql`exists (select 1 from case_events e where e.case_id = ${id} and ${IS_NOTE} and e.text like ${likeOf(w)} escape '\\')`;

/** Word `w` in case `id` (its case_search row, read by rowid, or one of its notes). */
function inCase(id: SQL, w: string, long: boolean): SQL {
  const row = long ? sql`case_search match ${matchExpression([w])}` : inRow(w);
  return sql`(exists (select 1 from case_search where case_search.rowid = ${id} and ${row}) or ${inNotes(id, w)})`;
}

/** Each short word in the current case_search row or in one of its case's notes (checked per row). */
const shortFilter = (short: string[]) => sql.join(short.map((w) => sql`(${inRow(w)} or ${inNotes(sql.raw("case_search.rowid"), w)})`), sql` and `);

/**
 * The search's candidate cases as a subquery of (id, r): r is the rank (lower is better: bm25 for a hit in
 * case_search, 1 for one found through a note, 0 for a short-words-only search). `cap` bounds the rows it yields
 * (newest hits first); undefined = every case_search hit (the note candidates stay bounded, by NOTE_POOL_ALL).
 */
export function searchHits(terms: SearchTerms, cap: number | undefined): SQL {
  // Integers written into the text (D1 binds at most 100 parameters; the words need theirs).
  const limit = sql.raw(cap === undefined ? "" : `limit ${Math.trunc(cap)}`);
  if (terms.long.length) {
    const also = terms.short.length ? sql`and ${shortFilter(terms.short)}` : sql``;
    const inIndex = sql`select * from (select rowid as id, ${RANK} as r from case_search where case_search match ${matchExpression(terms.long)} ${also} order by rowid desc ${limit})`;
    // Through notes: per long word its newest notes (each word its share, so a rare word's list is complete), each
    // candidate case then checked for the other words.
    const per = Math.max(1, Math.ceil((cap === undefined ? NOTE_POOL_ALL : NOTE_POOL) / terms.long.length));
    const viaNotes = terms.long.map((w) => {
      const id = sql.raw("n.case_id");
      const others = [...terms.long.filter((o) => o !== w).map((o) => inCase(id, o, true)), ...terms.short.map((o) => inCase(id, o, false))];
      const where = others.length ? sql`where ${sql.join(others, sql` and `)}` : sql``;
      return sql`select n.case_id as id, 1 as r from (select distinct case_id from (select case_id from note_search where note_search match ${matchExpression([w])} order by rowid desc limit ${sql.raw(String(per))})) n ${where}`;
    });
    return sql`select id, min(r) as r from (${sql.join([inIndex, ...viaNotes], sql` union all `)}) group by id order by id desc ${limit}`;
  }
  // Only short words: the newest SHORT_WINDOW rows (a rowid range FTS5 serves directly), newest first, each word in
  // the row or in a note of the case. The window's notes holding a word are listed once per word from one range of
  // case_events_case_idx (`+e.kind` keeps the planner off case_events_kind_at_idx, which would read every note
  // ever written); a lookup of each row's events instead cost ~1.5× as much for a rare word (200 k cases).
  const noted = (w: string) => sql`case_search.rowid in (select e.case_id from case_events e where e.case_id > ${WINDOW_FLOOR}
    and +e.kind in ('progress', 'note') and e.actor_user_id != 'system' and e.text like ${likeOf(w)} escape '\\')`;
  const each = sql.join(terms.short.map((w) => sql`(${inRow(w)} or ${noted(w)})`), sql` and `);
  return sql`select rowid as id, 0 as r from case_search where rowid > ${WINDOW_FLOOR} and ${each} order by rowid desc ${limit}`;
}

/** A 受理编号 as people paste it: one word of letters, digits, '-' or '_'. */
const EXTERNAL_NO = /^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/;

/**
 * The search's hits, best first (bm25, then newest), at most `cap`. A query that is exactly one case's 受理编号
 * goes straight to that case through the unique index: digit trigrams are in most rows, so MATCH would read
 * long lists to find the one row.
 */
export async function findHits(db: Db, terms: SearchTerms, cap: number): Promise<number[]> {
  const words = [...terms.long, ...terms.short];
  if (words.length === 1 && EXTERNAL_NO.test(words[0])) {
    const exact = await db.all<{ id: number }>(sql`select id from cases where external_no = ${words[0]} or external_no = ${words[0].toUpperCase()} limit 1`);
    if (exact.length) return [Number(exact[0].id)];
  }
  const hits = await db.all<{ id: number; r: number }>(searchHits(terms, cap));
  return hits.sort((a, b) => Number(a.r) - Number(b.r) || Number(b.id) - Number(a.id)).map((h) => Number(h.id));
}

/** A search with words only 1–2 characters long (answered from the newest SHORT_WINDOW cases, unranked). */
export const isShortOnly = (terms: SearchTerms) => terms.long.length === 0 && terms.short.length > 0;

/** The row of case c as the migration's triggers write it (keep the two in step). */
const ROW_OF = sql.raw(`c.id, c.title, c.content, trim(coalesce(c.area, '') || ' ' || coalesce(c.address, '')), coalesce(c.external_no, ''),
  trim(coalesce(c.finding, '') || char(10) || coalesce(c.rectification, '') || char(10) || coalesce(c.callback_note, ''), char(10))`);
export type Progress = (done: number, total: number) => void;

/** The highest id of `table` and of the index rows kept for it (index rows of deleted source rows go too). */
async function top(db: Db, table: "cases" | "case_events", index: "case_search" | "note_search"): Promise<number> {
  // ORDER BY rowid DESC LIMIT 1: FTS5 reads one row (max(rowid) would scan the table).
  const [{ t }] = await db.all<{ t: number | null }>(
    sql`select max(coalesce((select max(id) from ${sql.raw(table)}), 0), coalesce((select rowid from ${sql.raw(index)} order by rowid desc limit 1), 0)) as t`,
  );
  return Number(t ?? 0);
}

/** Merge some of the segments a rebuild wrote, a bounded amount of work per call. */
async function merge(db: Db, index: "case_search" | "note_search"): Promise<void> {
  // A full 'optimize' at 1 M cases held ~400 MB and ran 95 s (bench:scale). FTS5's automerge finishes the rest as
  // later writes arrive.
  for (let i = 0; i < 8; i++) await db.run(sql`INSERT INTO ${sql.raw(index)}(${sql.raw(index)}, rank) VALUES ('merge', 64)`);
}

/**
 * Rebuild case_search from cases, then note_search from case_events (after a restore or a load that bypassed the
 * triggers): by id range — `chunk` case ids, then 4 × `chunk` event ids (events outnumber cases, and only notes are
 * written) per step — each step one batch that deletes the range's index rows and writes them again, so memory does
 * not grow with the number of cases, no statement runs long on D1, and searches keep working meanwhile (a range is
 * replaced atomically). Index rows of deleted cases or events go too. Idempotent. Progress counts case ids, then
 * event ids, out of their sum. Returns the number of indexed cases.
 */
export async function rebuildCaseSearch(db: Db, onProgress?: Progress, chunk = 2000): Promise<number> {
  const lastCase = await top(db, "cases", "case_search");
  const lastEvent = await top(db, "case_events", "note_search");
  const total = lastCase + lastEvent;
  onProgress?.(0, total);
  // Integers written into the text: drizzle's D1 batch cannot bind parameters of raw statements.
  const range = (from: number, to: number) => [sql.raw(String(Math.trunc(from))), sql.raw(String(Math.trunc(to)))];
  for (let from = 0; from < lastCase; from += chunk) {
    const to = Math.min(from + chunk, lastCase);
    const [lo, hi] = range(from, to);
    await db.batch([
      db.run(sql`DELETE FROM case_search WHERE rowid > ${lo} AND rowid <= ${hi}`),
      db.run(sql`INSERT INTO case_search(rowid, title, content, place, external_no, notes) SELECT ${ROW_OF} FROM cases c WHERE c.id > ${lo} AND c.id <= ${hi}`),
    ]);
    onProgress?.(to, total);
  }
  await merge(db, "case_search");
  const step = 4 * chunk;
  for (let from = 0; from < lastEvent; from += step) {
    const to = Math.min(from + step, lastEvent);
    const [lo, hi] = range(from, to);
    await db.batch([
      db.run(sql`DELETE FROM note_search WHERE rowid > ${lo} AND rowid <= ${hi}`),
      db.run(sql`INSERT INTO note_search(rowid, text, case_id) SELECT e.id, e.text, e.case_id FROM case_events e WHERE e.id > ${lo} AND e.id <= ${hi} AND ${IS_NOTE}`),
    ]);
    onProgress?.(lastCase + to, total);
  }
  await merge(db, "note_search");
  const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from case_search`);
  return Number(n);
}
