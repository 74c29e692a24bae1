/** Writing policy values (reading is src/db/policy.ts loadPolicy). */
import { policies } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";

export const upsertPolicy = (db: Db, key: string, value: unknown, now: number, by: string): BatchItem =>
  db
    .insert(policies)
    .values({ key, value, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: policies.key, set: { value, updatedAt: now, updatedBy: by } });
