/** R35: the audit log's hash chain — sealed in order, verified end to end, and the first tampered row named. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditVerb } from "../../src/cli-audit.js";
import { GENESIS, sealAudit, verifyAudit } from "../../src/db/audit-chain.js";
import { say } from "../helpers/fixture.js";
import { get, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
const run = (q: string) => w.store.client.execute(q);
const count = async (table: string) => Number((await run(`select count(*) as n from ${table}`)).rows[0].n);

beforeAll(async () => {
  w = await webApp();
  for (let i = 1; i <= 6; i++) await say(w.deps, "disp", "g-command", `交办 第${i}号点位扬尘 给 荷花池街道 限 5个工作日`);
  await say(w.deps, "nobody", "g-command", "签收 #1"); // an unregistered sender: a "denied" audit row
});
afterAll(() => w.store.cleanup());

describe("sealing", () => {
  it("chains every audit row once, in id order, from the genesis hash; a second sealer finds nothing to do", async () => {
    const rows = await count("audit_log");
    expect(rows).toBeGreaterThanOrEqual(7);
    const [a, b] = await Promise.all([sealAudit(w.db, w.clock()), sealAudit(w.db, w.clock())]);
    expect(a + b).toBe(rows); // two sealers at once: one wins, the other backs off
    expect(await sealAudit(w.db, w.clock())).toBe(0);
    const links = (await run("select id, prev_hash, hash from audit_chain order by id")).rows;
    expect(links).toHaveLength(rows);
    expect(links[0].prev_hash).toBe(GENESIS);
    for (let i = 1; i < links.length; i++) expect(links[i].prev_hash).toBe(links[i - 1].hash);
    expect(await verifyAudit(w.db)).toMatchObject({ ok: true, rows, unsealed: 0 });
  });

  it("reports rows written since the last seal as not yet sealed, still ok", async () => {
    await say(w.deps, "disp", "g-command", "交办 第7号点位扬尘 给 荷花池街道 限 5个工作日");
    const v = await verifyAudit(w.db);
    expect(v.ok && v.unsealed).toBeGreaterThan(0);
    await sealAudit(w.db, w.clock());
    expect(await verifyAudit(w.db)).toMatchObject({ ok: true, unsealed: 0 });
  });

  it("refuses UPDATE and DELETE on the chain itself", async () => {
    await expect(run("update audit_chain set hash = 'x' where id = 1")).rejects.toThrow(/append-only/);
    await expect(run("delete from audit_chain where id = 1")).rejects.toThrow(/append-only/);
  });
});

describe("tampering past the triggers (someone with the database file)", () => {
  const untrigger = async () => {
    await run("drop trigger if exists audit_log_no_update");
    await run("drop trigger if exists audit_log_no_delete");
    await run("drop trigger if exists audit_chain_no_update");
  };

  it("names an edited row, a deleted row and a forged row", async () => {
    await untrigger();
    await run("update audit_log set actor = 'someone.else' where id = 3");
    expect(await verifyAudit(w.db)).toMatchObject({ ok: false, id: 3, problem: expect.stringContaining("篡改"), rows: 2 });
    const out: string[] = [];
    expect(await auditVerb(w.db, ["verify"], w.clock(), (l) => out.push(l))).toBe(1);
    expect(out.join("\n")).toContain("audit row 3");
    await run("update audit_log set actor = 'disp' where id = 3"); // put it back: the chain agrees again
    expect((await verifyAudit(w.db)).ok).toBe(true);

    await run("delete from audit_log where id = 5");
    expect(await verifyAudit(w.db)).toMatchObject({ ok: false, id: 5, problem: expect.stringContaining("删除") });
  });

  it("names a rewritten chain link", async () => {
    await run("update audit_chain set hash = '" + "f".repeat(64) + "' where id = 2");
    expect(await verifyAudit(w.db)).toMatchObject({ ok: false, id: 2 });
  });
});

describe("the auditor's page", () => {
  it("checks the chain on request and says where it breaks", async () => {
    const s = await sessionFor(w.db, "audit", w.clock());
    const page = await (await get(w.app, "/admin/audit", s.cookie)).text();
    expect(page).toContain("校验哈希链完整性");
    const before = await count("audit_chain");
    const checked = await (await get(w.app, "/admin/audit?verify=1", s.cookie)).text();
    expect(checked).toContain("哈希链校验失败");
    expect(checked).toContain("第 2 号审计记录");
    expect(await count("audit_chain")).toBe(before); // a GET never writes (R33)
  });
});

describe("export", () => {
  it("writes every row with its hash and the chain head", async () => {
    const file = `${w.store.dir}/audit.jsonl`;
    const out: string[] = [];
    expect(await auditVerb(w.db, ["export", file], w.clock(), (l) => out.push(l))).toBe(0);
    const lines = (await import("node:fs")).readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const tail = lines.pop();
    expect(lines.length).toBe(await count("audit_log"));
    expect(tail.head).toBe(lines[lines.length - 1].hash);
    expect(out[0]).toContain(tail.head);
  });
});
