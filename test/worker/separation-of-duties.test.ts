/** Role grants awaiting a second administrator and password-set links on D1 (R34): the same SQL as on libSQL. */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";
import { decideRoleChange, proposeRoleChange } from "../../src/db/admin/role-changes.js";
import { newPasswordLink, setPasswordWithLink } from "../../src/db/login-links.js";
import { splitGrant } from "../../src/domain/role-grants.js";
import { commit } from "../../src/db/write.js";

const db = drizzle(env.DB, { schema }) as unknown as Db;
const roles = async (userId: string) => (await db.select().from(schema.people).where(eq(schema.people.userId, userId)))[0].roles;

beforeAll(async () => {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(db);
});

describe("separation of duties on D1", () => {
  it("applies a proposed grant only on another administrator's approval", async () => {
    const [p] = await db.select().from(schema.people).where(eq(schema.people.userId, "hh.officer"));
    const g = splitGrant(p.roles, ["officer", "dispatcher"]);
    expect(g.pending).toEqual(["dispatcher", "officer"]);
    const a = { userId: "admin", personId: 1, source: "test" };
    await commit(db, [db.update(schema.people).set({ roles: g.now }).where(eq(schema.people.id, p.id)), ...proposeRoleChange(db, p.id, g.now, g.pending!, a, 1000)]);
    const [change] = await db.select().from(schema.roleChanges).where(eq(schema.roleChanges.personId, p.id));
    expect(await decideRoleChange(db, change.id, "approve", a, 2000)).toBe("own_proposal");
    expect(await roles("hh.officer")).toEqual(["officer"]);
    expect(await decideRoleChange(db, change.id, "approve", { userId: "admin2", personId: 999, source: "test" }, 3000)).toBe("approved");
    expect(await roles("hh.officer")).toEqual(["dispatcher", "officer"]);
    const n = await env.DB.prepare("select count(*) as n from audit_log where action like 'admin.role.%'").first<{ n: number }>();
    expect(n?.n).toBe(3); // propose, refused self-approval, approval
  });

  it("sets a password once through a password link, never twice", async () => {
    const [p] = await db.select().from(schema.people).where(eq(schema.people.userId, "sm.head"));
    const link = await newPasswordLink(db, p.id, 1000);
    await commit(db, [link.write]);
    expect(await setPasswordWithLink(db, link.token, "pbkdf2-sha256$i=100000$c2FsdA$aGFzaA", 2000, "test")).toEqual({ userId: "sm.head" });
    expect(await setPasswordWithLink(db, link.token, "pbkdf2-sha256$i=100000$b3RoZXI$b3RoZXI", 3000, "test")).toBeUndefined();
    const [after] = await db.select().from(schema.people).where(eq(schema.people.id, p.id));
    expect(after.passwordHash).toBe("pbkdf2-sha256$i=100000$c2FsdA$aGFzaA");
  });
});
