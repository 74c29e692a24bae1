/**
 * How the Worker starts (or refuses to) with other settings than the test project's: each env object gets its own
 * deps, so the real entry is called with hand-made envs on the same D1 and R2 bindings.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker, { type WorkerEnv } from "../../src/runtime/worker.js";

const bindings = env as unknown as WorkerEnv;

async function call(vars: Record<string, string>, url: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url), { DB: bindings.DB, FILES: bindings.FILES, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("starting the Worker", () => {
  it("names a missing setting instead of a bare 500, and tells how to try it locally", async () => {
    const res = await call({ WECOM_MODE: "callback" }, "https://duban.example/healthz");
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("WECOM_TOKEN");
    expect(text).toContain("npm run dev:worker");
  });

  it("refuses the long connection, which only a Node host can keep", async () => {
    const res = await call({ WECOM_MODE: "longconn", WECOM_BOT_ID: "b", WECOM_BOT_SECRET: "s".repeat(20), SESSION_SECRET: "x".repeat(40) }, "https://duban.example/healthz");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("WECOM_MODE=longconn");
  });

  it("answers local mode on localhost only, with the demo district seeded on first use", async () => {
    const vars = { WECOM_MODE: "off" };
    const away = await call(vars, "https://duban.example/sim/directory");
    expect(away.status).toBe(403);
    expect(await away.text()).toContain("本地模式");
    const here = await call(vars, "http://localhost/sim/directory");
    expect(here.status).toBe(200);
    const dir = (await here.json()) as { people: unknown[]; groups: unknown[] };
    expect(dir.people.length).toBeGreaterThan(20);
    expect(dir.groups.length).toBeGreaterThan(10);
  });
});
