/** API tokens (spec §7): `dbn_` + 256 random bits, shown once; only the SHA-256 is stored. Revoked, never deleted. */
import { and, asc, eq, isNull } from "drizzle-orm";
import { apiTokens, auditLog, type Role } from "./schema.js";
import { randomToken, sha256Hex } from "./tokens.js";
import type { Db } from "./types.js";

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export const TOKEN_PREFIX = "dbn_";

/** Create a token; the plain token is returned here and nowhere else. The creation is audited in the same batch. */
export async function createApiToken(db: Db, input: { name: string; roles: Role[]; unitId: number | null; createdBy: string; now: number }): Promise<{ id: number; token: string }> {
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  const tokenHash = await sha256Hex(token);
  await db.batch([
    db.insert(apiTokens).values({ name: input.name, tokenHash, roles: input.roles, unitId: input.unitId, createdAt: input.now, createdBy: input.createdBy }),
    db.insert(auditLog).values({ at: input.now, actor: input.createdBy, action: "api_token.create", result: "ok", source: "cli", detail: { name: input.name, roles: input.roles, unitId: input.unitId } }),
  ]);
  const [row] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return { id: row.id, token };
}

/** The live (not revoked) token with this plain value, or undefined. */
export async function findApiToken(db: Db, token: string): Promise<ApiTokenRow | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt))).limit(1);
  return row;
}

export async function revokeApiToken(db: Db, id: number, by: string, now: number): Promise<boolean> {
  const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  if (!row) return false;
  await db.batch([
    db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)),
    db.insert(auditLog).values({ at: now, actor: by, action: "api_token.revoke", object: `api_token:${id}`, result: "ok", source: "cli" }),
  ]);
  return true;
}

export function listApiTokens(db: Db): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.id));
}
