/**
 * The one runner of a use case, below every surface (chat, dashboard, API, CLI, schedules): build the HandlerCtx,
 * run the use case, audit a FORBIDDEN denial, commit its writes — plus the rows the surface adds, such as the chat
 * inbox row — in ONE batch, decide again on fresh data after a version conflict (R12), relay the outbox, and name
 * the case a new row got. Surfaces map their context in (actor, chat, uploads) and their errors out.
 */
import { eq } from "drizzle-orm";
import { cases, units } from "../db/schema.js";
import { commit, insertAudit, queuesMessages, VersionConflict, type BatchItem } from "../db/write.js";
import type { Deps } from "../deps.js";
import { drainSoon } from "../delivery/relay.js";
import { directory } from "../db/directory-cache.js";
import type { Actor, HandlerCtx, Outcome, StoredUpload } from "./context.js";
import { DomainError } from "./errors.js";

/** Re-runs after a version conflict before giving up; each re-run reads fresh rows. */
export const MAX_CONFLICT_RETRIES = 5;

/** The acting person (or API token) as the use cases know it; extra fields of a session user are dropped. */
export const actorOf = (u: Actor): Actor => ({ userId: u.userId, name: u.name, unitId: u.unitId, roles: u.roles });

export type CtxSpec = {
  deps: Deps;
  actor: Actor;
  /** What the audit log records as the source: "web", "api", "cli", "wecom:<chatid>", … */
  source: string;
  /** The chat a message came from; none (dashboard, API) means every group gets its push. */
  chat?: HandlerCtx["chat"];
  /** Durable key of the request ("<channel>:<msgid>"): outbox keys derive from it, so a redelivery queues nothing twice. */
  msgKey?: string;
  uploads?: StoredUpload[];
  /** The instant the request arrived; default: the clock at each attempt. */
  now?: number;
  /** The units as the surface already read them for this request (the chat's directory); default: read when asked. */
  units?: readonly (typeof units.$inferSelect)[];
};

/** A HandlerCtx; a surface without a chat gets a per-request key and a chat of its own that no group matches. */
export function handlerCtx(s: CtxSpec): HandlerCtx {
  let unitCache: Promise<(typeof units.$inferSelect)[]> | undefined = s.units ? Promise.resolve(s.units as (typeof units.$inferSelect)[]) : undefined;
  return {
    deps: s.deps,
    actor: s.actor,
    chat: s.chat ?? { chatId: `${s.source}:${s.actor.userId}`, type: "single" },
    now: s.now ?? s.deps.clock(),
    msgKey: s.msgKey ?? `${s.source}:${crypto.randomUUID()}`,
    source: s.source,
    uploads: s.uploads ?? [],
    units: () => (unitCache ??= directory(s.deps.db).then((d) => d.units as (typeof units.$inferSelect)[])),
  };
}

export type RunSpec = CtxSpec & {
  /** Audit action of a denial, e.g. "web.reassign" or "chat.assign". */
  action: string;
  /** More detail for the denial's audit row (the chat adds the masked message text). */
  denialDetail?: Record<string, unknown>;
  /**
   * Rows the surface commits in the same batch as the outcome (the chat's inbox row and its "last named case";
   * a channel's replay row). Called per attempt with the outcome, or with the DomainError when the use case
   * refused — then they are committed with the denial's audit row, if any.
   */
  alsoWrite?: (r: { out: Outcome; error?: undefined } | { out?: undefined; error: DomainError }, ctx: HandlerCtx) => BatchItem[];
};

export type Done<O extends Outcome = Outcome> = O & { caseId?: number };

/**
 * Run `useCase` and commit. A DomainError propagates after its rows (denial audit for FORBIDDEN, `alsoWrite`)
 * are committed; a failing commit propagates (a DuplicateKey tells the surface it lost a race).
 */
export async function runUseCase<O extends Outcome>(spec: RunSpec, useCase: (ctx: HandlerCtx) => Promise<O>): Promise<Done<O>> {
  const { deps } = spec;
  for (let attempt = 0; ; attempt++) {
    const ctx = handlerCtx(spec);
    let out: O;
    try {
      out = await useCase(ctx);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const denial = e.code === "FORBIDDEN" ? [insertAudit(deps.db, { at: ctx.now, actor: ctx.actor.userId, action: spec.action, result: "denied", source: spec.source, detail: { code: e.code, ...spec.denialDetail } })] : [];
      const rows = [...denial, ...(spec.alsoWrite?.({ error: e }, ctx) ?? [])];
      if (rows.length) await commit(deps.db, rows);
      throw e;
    }
    const writes = [...out.writes, ...(spec.alsoWrite?.({ out }, ctx) ?? [])];
    try {
      if (writes.length) await commit(deps.db, writes);
    } catch (e) {
      // Someone changed the case between our read and our write: decide again on fresh data (R12).
      if (e instanceof VersionConflict && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    if (queuesMessages(writes)) deps.waitUntil(drainSoon(deps)); // the per-minute relay still covers retries
    return { ...out, caseId: out.caseId ?? (await caseIdOf(deps, out.caseToken)) };
  }
}

/** The id of the case row inserted with this write token. */
async function caseIdOf(deps: Deps, token: string | undefined): Promise<number | undefined> {
  if (!token) return undefined;
  const [row] = await deps.db.select({ id: cases.id }).from(cases).where(eq(cases.writeToken, token));
  return row?.id;
}
