/** Separation of duties (等保 least privilege; R34): which role sets one person may hold. */
import type { Role } from "./codes.js";

/** Roles that stand alone: the system admin manages but decides no cases; the auditor only reads the audit log. */
export const EXCLUSIVE_ROLES: readonly Role[] = ["admin", "auditor"];

/** A Chinese reason why this role set is not allowed, or undefined. */
export function rolesProblem(roles: readonly Role[]): string | undefined {
  if (roles.length === 0) return "至少选择一个角色。";
  for (const r of EXCLUSIVE_ROLES) {
    if (roles.includes(r) && roles.length > 1) return r === "admin" ? "系统管理员不能兼任其他角色（职责分离）。" : "审计员不能兼任其他角色（职责分离）。";
  }
  return undefined;
}
