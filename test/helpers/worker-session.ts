/** workerd tests: the test district in D1 (once per file's storage) and a dashboard session for one person. */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../src/db/schema.js";
import { insertSession, newSessionToken } from "../../src/db/sessions.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "./seed-fixture.js";

export const d1 = () => drizzle(env.DB, { schema }) as unknown as Db;

/** Seeds the fixture if D1 is empty, then opens a session for `userId` without the sign-in form. */
export async function sessionFor(userId: string): Promise<{ cookie: string; csrf: string }> {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(d1());
  const s = await newSessionToken();
  const person = (await env.DB.prepare("select id from people where user_id = ?").bind(userId).first()) as { id: number };
  await d1().batch([insertSession(d1(), s, person.id, Date.now())]);
  return { cookie: `__Host-duban_session=${s.token}`, csrf: s.csrf };
}
