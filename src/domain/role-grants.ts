/**
 * Separation of duties across accounts (R34, 等保 least privilege): roles that read every unit's cases or the audit
 * log, or administer the system, are never granted by one administrator alone. Removing a role applies at once.
 */
import { ROLES, type Role } from "./codes.js";

/** Granting any of these needs a second administrator's approval (or `duban admin approve` on the host). */
export const SENSITIVE_ROLES: readonly Role[] = ["admin", "auditor", "dispatcher", "leader"];

/** Roles in the one canonical order, so stored role lists compare equal as text. */
export const sortRoles = (roles: readonly Role[]): Role[] => ROLES.filter((r) => roles.includes(r));

/**
 * How a change from `current` to `target` applies: `now` at once (removals and ordinary roles), and, when a
 * sensitive role is added, `pending` = the full target, applied only on approval.
 */
export function splitGrant(current: readonly Role[], target: readonly Role[]): { now: Role[]; pending?: Role[]; added: Role[] } {
  const added = target.filter((r) => !current.includes(r) && SENSITIVE_ROLES.includes(r));
  if (added.length === 0) return { now: sortRoles(target), added };
  return { now: sortRoles(target.filter((r) => !SENSITIVE_ROLES.includes(r) || current.includes(r))), pending: sortRoles(target), added };
}
