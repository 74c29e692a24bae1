/**
 * Full-text search over cases (issue 12): the FTS5 table `case_search` (trigram tokenizer, rowid = case id;
 * drizzle/0018_case_search.sql) kept in step by triggers on cases and case_events.
 *
 * A query is split at spaces. Words of ≥ 3 characters go to MATCH as phrases (every word must occur) and the
 * hits are ranked by bm25. Trigram cannot index anything shorter, so 1–2 character words are matched by LIKE
 * on the table's own columns: alongside a MATCH they only filter its hits; alone they look at the newest
 * SHORT_WINDOW cases (newest first, no rank) so that a two-character search never scans every case.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./types.js";

/** At most this many MATCH hits (the newest) are ranked and filtered per search; the UI says so when reached. */
export const SEARCH_CAP = 2000;
/** A search made only of 1–2 character words looks at this many of the newest cases. */
export const SHORT_WINDOW = 50_000;

const COLUMNS = ["title", "content", "place", "external_no", "notes"] as const;
// bm25 weights in COLUMNS order: a hit in the 受理编号 or the title says more than one in the long text.
const RANK = sql.raw(`bm25(case_search, 5.0, 1.0, 2.0, 10.0, 1.0)`);

export type SearchTerms = { long: string[]; short: string[] };

export function searchTerms(q: string): SearchTerms {
  const words = [...new Set(q.trim().split(/\s+/).filter(Boolean))];
  const len = (w: string) => [...w].length;
  return { long: words.filter((w) => len(w) >= 3), short: words.filter((w) => len(w) < 3) };
}

/** An FTS5 query of phrases, all required; a `"` inside a word is doubled, so input is never FTS syntax. */
export const matchExpression = (long: string[]) => long.map((w) => `"${w.replaceAll('"', '""')}"`).join(" AND ");

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

function shortFilter(short: string[]): SQL {
  const word = (w: string) => {
    const pat = `%${escapeLike(w)}%`;
    return sql`(${sql.join(COLUMNS.map((c) => sql`${sql.raw(c)} like ${pat} escape '\\'`), sql` or `)})`;
  };
  return sql.join(short.map(word), sql` and `);
}

/**
 * The search's candidate cases as a subquery of (id, r): r is the bm25 rank (lower is better; 0 for a
 * short-words-only search). `cap` bounds the rows it yields (newest hits first); undefined = all hits.
 */
export function searchHits(terms: SearchTerms, cap: number | undefined): SQL {
  const limit = cap === undefined ? sql`` : sql`limit ${cap}`;
  if (terms.long.length) {
    const also = terms.short.length ? sql`and ${shortFilter(terms.short)}` : sql``;
    return sql`select rowid as id, ${RANK} as r from case_search where case_search match ${matchExpression(terms.long)} ${also} order by rowid desc ${limit}`;
  }
  // Only short words: LIKE over the newest SHORT_WINDOW rows (a rowid range FTS5 serves directly).
  return sql`select rowid as id, 0 as r from case_search
    where rowid > coalesce((select max(id) from cases), 0) - ${SHORT_WINDOW} and ${shortFilter(terms.short)}
    order by rowid desc ${limit}`;
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
  trim(coalesce(c.finding, '') || char(10) || coalesce(c.rectification, '') || char(10) || coalesce(c.callback_note, '') || char(10) ||
  coalesce((SELECT group_concat(e.text, char(10)) FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('progress', 'note')
    AND e.actor_user_id != 'system' AND e.text IS NOT NULL), ''), char(10))`);

export type Progress = (done: number, total: number) => void;

/**
 * Rebuild case_search from cases and case_events (after a restore or a load that bypassed the triggers): by id
 * range, `chunk` ids per step, each step one batch that deletes the range's index rows and writes them again,
 * so memory does not grow with the number of cases, no statement runs long on D1, and searches keep working
 * meanwhile (a range is replaced atomically). Index rows of deleted cases go too. Idempotent. Returns the
 * number of indexed cases.
 */
export async function rebuildCaseSearch(db: Db, onProgress?: Progress, chunk = 2000): Promise<number> {
  const [{ top }] = await db.all<{ top: number | null }>(sql`select max(coalesce((select max(id) from cases), 0), coalesce((select max(rowid) from case_search), 0)) as top`);
  const last = Number(top ?? 0);
  onProgress?.(0, last);
  for (let from = 0; from < last; from += chunk) {
    const to = Math.min(from + chunk, last);
    // Integers written into the text: drizzle's D1 batch cannot bind parameters of raw statements.
    const [lo, hi] = [sql.raw(String(Math.trunc(from))), sql.raw(String(Math.trunc(to)))];
    await db.batch([
      db.run(sql`DELETE FROM case_search WHERE rowid > ${lo} AND rowid <= ${hi}`),
      db.run(sql`INSERT INTO case_search(rowid, title, content, place, external_no, notes) SELECT ${ROW_OF} FROM cases c WHERE c.id > ${lo} AND c.id <= ${hi}`),
    ]);
    onProgress?.(to, last);
  }
  // Merge some of the segments the steps wrote, a bounded amount of work per call: a full 'optimize' at 1 M cases
  // held ~400 MB and ran 95 s (bench:scale). FTS5's automerge finishes the rest as later writes arrive.
  for (let i = 0; i < 8; i++) await db.run(sql`INSERT INTO case_search(case_search, rank) VALUES ('merge', 64)`);
  const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from case_search`);
  return Number(n);
}
