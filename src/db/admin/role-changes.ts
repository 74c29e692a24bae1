/**
 * Pending grants of sensitive roles (separation of duties across accounts, R34): proposed by one administrator,
 * applied only when a different administrator (or the operator on the host, `duban admin approve`) approves.
 * Every proposal and decision writes an audit row in the same batch.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { people, roleChanges, writeGuard, type Role } from "../schema.js";
import type { Db } from "../types.js";
import { commit, insertAudit, VersionConflict, type BatchItem } from "../write.js";

export type RoleChangeRow = typeof roleChanges.$inferSelect;
export type RoleChangeView = RoleChangeRow & { userId: string; name: string; currentRoles: Role[] };
/** Who acts: a signed-in administrator (userid and person id) or the host's CLI. */
export type Decider = { userId: string; personId: number | null; source: string };
export const CLI_DECIDER: Decider = { userId: "(cli)", personId: null, source: "cli" };

/** The person by id, or the row this batch inserted under `userId` (a new person). */
const personRef = (p: number | { userId: string }) => (typeof p === "number" ? p : sql`(select ${people.id} from ${people} where ${people.userId} = ${p.userId})`);

/**
 * Propose `after` for a person who holds `before` (as this same batch leaves them): an earlier pending proposal for
 * the person is withdrawn, so at most one waits (a unique index holds that too).
 */
export function proposeRoleChange(db: Db, p: number | { userId: string }, before: Role[], after: Role[], by: Decider, now: number): BatchItem[] {
  const id = personRef(p) as number;
  return [
    db
      .update(roleChanges)
      .set({ status: "withdrawn", decidedBy: by.userId, decidedAt: now })
      .where(and(eq(roleChanges.personId, id), eq(roleChanges.status, "pending"))),
    db.insert(roleChanges).values({ personId: id, rolesBefore: before, rolesAfter: after, proposedBy: by.userId, proposedAt: now }),
    insertAudit(db, {
      at: now,
      actor: by.userId,
      action: "admin.role.propose",
      object: typeof p === "number" ? `person:${p}` : `person:${p.userId}`,
      result: "ok",
      source: by.source,
      detail: { before, after },
    }),
  ];
}

export async function getRoleChange(db: Db, id: number): Promise<RoleChangeView | undefined> {
  const [r] = await db
    .select({ c: roleChanges, userId: people.userId, name: people.name, currentRoles: people.roles })
    .from(roleChanges)
    .innerJoin(people, eq(people.id, roleChanges.personId))
    .where(eq(roleChanges.id, id));
  return r && { ...r.c, userId: r.userId, name: r.name, currentRoles: r.currentRoles };
}

/** Pending changes (the admin page), or the latest changes of any status (the auditor's page). */
export async function listRoleChanges(db: Db, o: { pendingOnly?: boolean; personId?: number; limit?: number } = {}): Promise<RoleChangeView[]> {
  const where = and(o.pendingOnly ? eq(roleChanges.status, "pending") : undefined, o.personId ? eq(roleChanges.personId, o.personId) : undefined);
  const rows = await db
    .select({ c: roleChanges, userId: people.userId, name: people.name, currentRoles: people.roles })
    .from(roleChanges)
    .innerJoin(people, eq(people.id, roleChanges.personId))
    .where(where)
    .orderBy(desc(roleChanges.id))
    .limit(o.limit ?? 100);
  return rows.map((r) => ({ ...r.c, userId: r.userId, name: r.name, currentRoles: r.currentRoles }));
}

export type DecideResult = "approved" | "rejected" | "not_pending" | "own_proposal" | "own_account" | "stale";
/** Role lists are stored in canonical order (sortRoles), so equal lists are equal text. */
const sameRoles = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Approve or reject a pending change. Approval needs someone other than the proposer and the person concerned
 * (the CLI on the host may approve anything: host access is already total), and applies only while the person
 * still holds the roles the proposal started from; otherwise the change is marked stale and nothing applies.
 * The status flip is conditioned on `pending`, and a guard aborts the batch if it did not happen (two deciders).
 */
export async function decideRoleChange(db: Db, id: number, decision: "approve" | "reject", by: Decider, now: number): Promise<DecideResult> {
  const c = await getRoleChange(db, id);
  if (!c || c.status !== "pending") return "not_pending";
  const object = `person:${c.personId}`;
  const audit = (action: string, result: "ok" | "denied", detail: Record<string, unknown>) =>
    insertAudit(db, { at: now, actor: by.userId, action, object, result, source: by.source, detail: { change: id, before: c.rolesBefore, after: c.rolesAfter, proposedBy: c.proposedBy, ...detail } });
  if (decision === "approve" && by.userId !== CLI_DECIDER.userId) {
    const refusal = c.proposedBy === by.userId ? "own_proposal" : c.personId === by.personId ? "own_account" : undefined;
    if (refusal) {
      await commit(db, [audit("admin.role.approve", "denied", { reason: refusal })]);
      return refusal;
    }
  }
  const stale = decision === "approve" && !sameRoles(c.currentRoles, c.rolesBefore);
  const status = decision === "reject" ? "rejected" : stale ? "stale" : "approved";
  const flip = db
    .update(roleChanges)
    .set({ status, decidedBy: by.userId, decidedAt: now })
    .where(and(eq(roleChanges.id, id), eq(roleChanges.status, "pending")));
  // Aborts the whole batch (CHECK version_conflict) unless this batch is the one that decided the row.
  const guard = db.insert(writeGuard).select(
    sql`select 0 where not exists (select 1 from ${roleChanges} where ${roleChanges.id} = ${id} and ${roleChanges.status} = ${status} and ${roleChanges.decidedBy} = ${by.userId} and ${roleChanges.decidedAt} = ${now})`,
  );
  // The roles change only from the proposal's starting point; the second guard aborts the batch otherwise.
  const apply =
    status === "approved"
      ? [
          db.update(people).set({ roles: c.rolesAfter }).where(and(eq(people.id, c.personId), eq(people.roles, c.rolesBefore))),
          db.insert(writeGuard).select(sql`select 0 where not exists (select 1 from ${people} where ${people.id} = ${c.personId} and ${people.roles} = ${JSON.stringify(c.rolesAfter)})`),
        ]
      : [];
  const action = status === "rejected" ? "admin.role.reject" : "admin.role.approve";
  try {
    await commit(db, [flip, guard, ...apply, audit(action, status === "stale" ? "denied" : "ok", status === "stale" ? { reason: "stale", current: c.currentRoles } : {})]);
  } catch (e) {
    if (e instanceof VersionConflict) return (await getRoleChange(db, id))?.status === "pending" ? "stale" : "not_pending";
    throw e;
  }
  return status;
}
