/** Read the stored policy, merged over the defaults. */
import { policies } from "./schema.js";
import type { Db } from "./types.js";
import { mergePolicy, type Policy } from "../domain/policy.js";

export async function loadPolicy(db: Db): Promise<Policy> {
  return mergePolicy(await db.select({ key: policies.key, value: policies.value }).from(policies));
}
