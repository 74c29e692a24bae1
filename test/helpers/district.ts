/** One seeded test district per test file: a real libSQL file, the fixture's units, people and groups, deps, a clock. */
import { afterAll, beforeAll } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { Deps } from "../../src/deps.js";
import { tempDb } from "./db.js";
import { seedFixture, testClock, testDeps } from "./fixture.js";

export type District = { db: Db; deps: Deps; clock: ReturnType<typeof testClock> };

/** Registers beforeAll/afterAll; the returned object is filled in before the first test runs. */
export function useDistrict(): District {
  const d = { clock: testClock() } as District;
  let store: Awaited<ReturnType<typeof tempDb>> | undefined;
  beforeAll(async () => {
    store = await tempDb();
    await seedFixture(store.db);
    d.db = store.db;
    d.deps = await testDeps(store.db, store.dir, d.clock);
  });
  afterAll(() => store?.cleanup());
  return d;
}
