/**
 * The dashboard's and the API's way into src/handlers/: build the same HandlerCtx the chat pipeline builds,
 * run one use case, commit its writes in one batch (deciding again on a version conflict), then relay.
 */
import { eq } from "drizzle-orm";
import { cases, units } from "../db/schema.js";
import { commit, insertAudit, queuesMessages, VersionConflict } from "../db/write.js";
import type { Deps } from "../deps.js";
import { drainOutbox } from "../delivery/relay.js";
import type { Actor, HandlerCtx, Outcome } from "../handlers/context.js";
import { DomainError } from "../handlers/errors.js";
import type { WebUser } from "./context.js";

const MAX_CONFLICT_RETRIES = 5;

/** The acting person (or API token) as the use cases know it. */
export const actorOf = (u: WebUser): Actor => ({ userId: u.userId, name: u.name, unitId: u.unitId, roles: u.roles });

/** A HandlerCtx for a web request; `source` is what the audit log records (e.g. "web" or "api"). */
export function webCtx(deps: Deps, actor: Actor, source: string): HandlerCtx {
  let unitCache: Promise<(typeof units.$inferSelect)[]> | undefined;
  return {
    deps,
    actor,
    // No chat: pushes to every group go out (pushTo skips only the chat a message came from).
    chat: { chatId: `${source}:${actor.userId}`, type: "single" },
    now: deps.clock(),
    msgKey: `${source}:${crypto.randomUUID()}`,
    source,
    uploads: [],
    units: () => (unitCache ??= deps.db.select().from(units)),
  };
}

export type Done = Outcome & { caseId?: number };

/**
 * Run `useCase` and commit its writes. A DomainError propagates (after a `denied` audit row for FORBIDDEN);
 * a version conflict re-runs the use case on fresh data.
 */
export async function runUseCase(deps: Deps, actor: Actor, source: string, action: string, useCase: (ctx: HandlerCtx) => Promise<Outcome>): Promise<Done> {
  for (let attempt = 0; ; attempt++) {
    const ctx = webCtx(deps, actor, source);
    let out: Outcome;
    try {
      out = await useCase(ctx);
    } catch (e) {
      if (e instanceof DomainError && e.code === "FORBIDDEN") {
        await commit(deps.db, [insertAudit(deps.db, { at: ctx.now, actor: actor.userId, action, result: "denied", source, detail: { code: e.code } })]);
      }
      throw e;
    }
    try {
      await commit(deps.db, out.writes);
    } catch (e) {
      if (e instanceof VersionConflict && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    if (queuesMessages(out.writes)) deps.waitUntil(drainOutbox(deps));
    let caseId = out.caseId;
    if (caseId === undefined && out.caseToken) {
      const [row] = await deps.db.select({ id: cases.id }).from(cases).where(eq(cases.writeToken, out.caseToken));
      caseId = row?.id;
    }
    return { ...out, caseId };
  }
}
