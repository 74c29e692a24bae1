/**
 * What the server saw at an import preview (issue 16 item 8): the uploaded file's SHA-256 and the digest of the
 * table parsed from it, under a random id. The confirm form carries the id and the table; the import goes ahead
 * only for the same person with a table whose digest matches, and records this row's file hash — the hash of the
 * bytes actually uploaded, never one the browser sent.
 */
import { and, eq, lt } from "drizzle-orm";
import { sha256Hex } from "../files/types.js";
import { importPreviews } from "./schema.js";
import type { Db } from "./types.js";
import { commit } from "./write.js";

/** A confirm older than this is refused (upload again); older rows are deleted at the next preview. */
export const PREVIEW_TTL_MS = 24 * 60 * 60 * 1000;

export type PreviewRecord = typeof importPreviews.$inferSelect;

/** The digest the table is checked by: of its canonical JSON, so the browser's round trip cannot change it. */
export const tableDigest = (table: string[][]) => sha256Hex(new TextEncoder().encode(JSON.stringify(table)));

/** Store a preview; returns its id. */
export async function savePreview(db: Db, p: { actor: string; source: string; fileName: string; fileSha256: string; table: string[][]; at: number }): Promise<string> {
  const id = crypto.randomUUID();
  await commit(db, [
    db.delete(importPreviews).where(lt(importPreviews.createdAt, p.at - PREVIEW_TTL_MS)),
    db.insert(importPreviews).values({ id, actor: p.actor, source: p.source, fileName: p.fileName, fileSha256: p.fileSha256, tableSha256: await tableDigest(p.table), createdAt: p.at }),
  ]);
  return id;
}

/** The preview `id` of `actor` if it is still valid and `table` is the table it parsed; otherwise why not. */
export async function checkPreview(db: Db, id: string, actor: string, table: string[][], now: number): Promise<PreviewRecord | "missing" | "changed"> {
  const [row] = await db.select().from(importPreviews).where(and(eq(importPreviews.id, id), eq(importPreviews.actor, actor)));
  if (!row || row.createdAt < now - PREVIEW_TTL_MS) return "missing";
  return row.tableSha256 === (await tableDigest(table)) ? row : "changed";
}
