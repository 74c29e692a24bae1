/**
 * Durable replay and single-use bookkeeping for the WeCom callback channel, shared by every process and isolate
 * (never process memory, reliability R05/R07/R20).
 */
import { and, asc, between, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { inbox, responseUrlUses, wecomNonces } from "./schema.js";
import { bound } from "./bound.js";
import { prepared } from "./prepared.js";
import type { Db } from "./types.js";
import type { BatchItem } from "./write.js";
import type { Content } from "../domain/message.js";

/** WeCom promises a nonce does not repeat within 2 hours (wecom.md §1.A.1). */
export const NONCE_TTL_MS = 2 * 60 * 60_000;
/** A response_url is valid for one hour (wecom.md §1.A.8). */
export const RESPONSE_URL_TTL_MS = 60 * 60_000;

export async function sha256Text(s: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A message that will run a command: its inbox key and its ciphertext, kept until it is processed (R08). */
export type Intent = { msgKey: string; encrypt: string };

/**
 * Records a callback's nonce with the digest of its payload. "fresh": first sight (or the old sighting expired);
 * "redelivery": the same nonce with the same payload (processed normally; the inbox stops a double effect);
 * "replay": the same nonce with another payload within 2 h — refuse it (R05).
 */
export async function claimNonce(db: Db, nonce: string, digest: string, now: number, intent?: Intent): Promise<"fresh" | "redelivery" | "replay"> {
  const fields = { digest, seenAt: now, msgKey: intent?.msgKey ?? null, encrypt: intent?.encrypt ?? null };
  const inserted = await db
    .insert(wecomNonces)
    .values({ nonce, ...fields })
    .onConflictDoUpdate({ target: wecomNonces.nonce, set: fields, setWhere: lt(wecomNonces.seenAt, now - NONCE_TTL_MS) })
    .returning({ nonce: wecomNonces.nonce });
  if (inserted.length > 0) return "fresh";
  const [row] = await db.select({ digest: wecomNonces.digest }).from(wecomNonces).where(eq(wecomNonces.nonce, nonce));
  return row?.digest === digest ? "redelivery" : "replay";
}

/** The constraint a replayed nonce trips inside a message's own batch (nonceWrites): `DuplicateKey.constraint`. */
export const NONCE_TAKEN = "wecom_nonces.nonce";

/** A first look at a nonce that writes nothing: a replay is refused before any work is done. */
export async function peekNonce(db: Db, nonce: string, digest: string, now: number): Promise<"fresh" | "redelivery" | "replay"> {
  const [row] = await prepared(db, "nonce", () =>
    db.select({ digest: wecomNonces.digest, seenAt: wecomNonces.seenAt }).from(wecomNonces).where(eq(wecomNonces.nonce, sql.placeholder("nonce"))).prepare(),
  ).all({ nonce });
  if (!row || row.seenAt < now - NONCE_TTL_MS) return "fresh";
  return row.digest === digest ? "redelivery" : "replay";
}

/**
 * The nonce row as statements of the message's own batch (one commit with its inbox row and effect, issue 12):
 * an expired sighting is cleared, then the row is inserted unless this very payload already holds it (a
 * redelivery, or the intent stored by an early acknowledgement). Another payload under a live nonce — a replay
 * that raced past peekNonce — makes the insert fail with DuplicateKey(NONCE_TAKEN), and the batch with it.
 */
export function nonceWrites(db: Db, nonce: string, digest: string, now: number, msgKey: string): BatchItem[] {
  return [
    bound(db, "nonce clear", { nonce, expired: now - NONCE_TTL_MS }, (v) => db.delete(wecomNonces).where(and(eq(wecomNonces.nonce, v("nonce")), lt(wecomNonces.seenAt, v("expired"))))),
    bound(db, "nonce claim", { nonce, digest, now, msgKey }, (v) =>
      db.insert(wecomNonces).select(
        sql`select ${v("nonce")}, ${v("digest")}, ${v("now")}, ${v("msgKey")}, null where not exists (select 1 from ${wecomNonces} where ${wecomNonces.nonce} = ${v("nonce")} and ${wecomNonces.digest} = ${v("digest")})`,
      ),
    ),
  ];
}

/** Marks a response_url as used; false when it already was, so it is never called twice (R20). */
export async function claimResponseUrl(db: Db, url: string, now: number): Promise<boolean> {
  const inserted = await db
    .insert(responseUrlUses)
    .values({ urlDigest: await sha256Text(url), usedAt: now })
    .onConflictDoNothing()
    .returning({ d: responseUrlUses.urlDigest });
  return inserted.length > 0;
}

/** Recover messages acknowledged at least this long ago whose processing never finished… */
export const RECOVER_AFTER_MS = 2 * 60_000;
/** …while their response_url (1 h) can still carry the reply. Older ones are left alone, with a log line. */
export const RECOVER_WITHIN_MS = 50 * 60_000;

/**
 * Takes up to `limit` intents that were acknowledged but have no inbox row: each is handed out once (its
 * ciphertext is cleared in the same statement), so two processes recovering at once never both get it.
 */
export async function takeUnfinished(db: Db, now: number, limit = 20): Promise<(Intent & { nonce: string; seenAt: number })[]> {
  const rows = await db
    .select({ nonce: wecomNonces.nonce, msgKey: wecomNonces.msgKey, encrypt: wecomNonces.encrypt, seenAt: wecomNonces.seenAt })
    .from(wecomNonces)
    .leftJoin(inbox, eq(inbox.key, wecomNonces.msgKey))
    .where(and(isNotNull(wecomNonces.encrypt), isNotNull(wecomNonces.msgKey), isNull(inbox.key), between(wecomNonces.seenAt, now - RECOVER_WITHIN_MS, now - RECOVER_AFTER_MS)))
    .orderBy(asc(wecomNonces.seenAt))
    .limit(limit);
  const taken: (Intent & { nonce: string; seenAt: number })[] = [];
  for (const r of rows) {
    const [won] = await db
      .update(wecomNonces)
      .set({ encrypt: null })
      .where(and(eq(wecomNonces.nonce, r.nonce), isNotNull(wecomNonces.encrypt)))
      .returning({ nonce: wecomNonces.nonce });
    if (won && r.msgKey && r.encrypt) taken.push({ nonce: r.nonce, msgKey: r.msgKey, encrypt: r.encrypt, seenAt: r.seenAt });
  }
  return taken;
}

/** Drops nonces and response_url marks that can no longer matter. */
export async function purgeReplayState(db: Db, now: number): Promise<void> {
  await db.delete(wecomNonces).where(lt(wecomNonces.seenAt, now - NONCE_TTL_MS));
  await db.delete(responseUrlUses).where(lt(responseUrlUses.usedAt, now - 2 * RESPONSE_URL_TTL_MS));
}

/** The replies already given for an inbound message key ("wecom:<msgid>"), if it was processed. */
export async function repliesFor(db: Db, key: string): Promise<Content[] | undefined> {
  const [row] = await db.select({ replies: inbox.replies }).from(inbox).where(eq(inbox.key, key));
  return row?.replies as Content[] | undefined; // neutral content since issue 15: each channel renders it
}
