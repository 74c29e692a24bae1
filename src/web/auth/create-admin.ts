/** The first administrator (spec §7, `duban admin create`): role admin only — never auditor too (separation of duties). */
import { eq } from "drizzle-orm";
import { people, units } from "../../db/schema.js";
import type { Db } from "../../db/types.js";
import { commit, insertAudit } from "../../db/write.js";
import { hashPassword, passwordProblem, type PasswordHasher } from "./password.js";

export type CreateAdminInput = { userId: string; name: string; unitName?: string; password: string };

export class CreateAdminError extends Error {
  override name = "CreateAdminError";
}

/** Insert the admin with a hashed password and an audit row in one batch; throws CreateAdminError with the reason. */
export async function createAdmin(db: Db, hasher: PasswordHasher, input: CreateAdminInput, now: number): Promise<{ personId: number }> {
  const userId = input.userId.trim();
  const name = input.name.trim();
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(userId)) throw new CreateAdminError("--user must be the WeCom userid: 1–64 letters, digits, . _ @ -");
  if (!name || name.length > 32) throw new CreateAdminError("--name must be 1–32 characters");
  const problem = passwordProblem(input.password);
  if (problem) throw new CreateAdminError(`password rejected: ${problem}`);
  const [existing] = await db.select({ id: people.id }).from(people).where(eq(people.userId, userId));
  if (existing) throw new CreateAdminError(`userid ${userId} already exists; change its roles on the 人员 admin page instead`);
  let unitId: number | null = null;
  if (input.unitName) {
    const [u] = await db.select({ id: units.id }).from(units).where(eq(units.name, input.unitName.trim()));
    if (!u) throw new CreateAdminError(`no unit named "${input.unitName}"; leave --unit out or create the unit first`);
    unitId = u.id;
  }
  const passwordHash = await hashPassword(hasher, input.password);
  await commit(db, [
    db.insert(people).values({ userId, name, unitId, roles: ["admin"], passwordHash }),
    insertAudit(db, { at: now, actor: "cli", action: "admin.person.create", object: `person:${userId}`, result: "ok", source: "cli", detail: { roles: ["admin"] } }),
  ]);
  const [row] = await db.select({ id: people.id }).from(people).where(eq(people.userId, userId));
  return { personId: row.id };
}
