/**
 * Issue 16 item 7 (R08): an import at the row cap (MAX_IMPORT_ROWS, 5,000 data rows) must not hold the single connection while WeCom callbacks arrive.
 * Real server in callback mode, real libSQL file, callbacks sealed with the official @wecom/crypto, the WeCom API
 * faked on loopback. Everything is asserted by structure — the order in which writes committed and how many
 * rows each import transaction carried — never by elapsed time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerType } from "@hono/node-server";
import type { Client, InStatement } from "@libsql/client";
import { count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { importCases, type ImportInput } from "../../src/handlers/import-cases.js";
import { runUseCase } from "../../src/handlers/run.js";
import { STAGE_CHUNK, STALE_STAGING_MS } from "../../src/db/import-cases.js";
import { auditLog, caseEvents, cases, importStaging } from "../../src/db/schema.js";
import { DuplicateKey } from "../../src/db/write.js";
import { silentLogger } from "../../src/log.js";
import { seedFixture, testClock } from "../helpers/fixture.js";
import { HEADER } from "../fixtures/handover.js";
import { MAX_IMPORT_ROWS } from "../../src/sheets/import-rows.js";
import { createFakeWecom, openReply, sealCallback } from "../helpers/fake-wecom-api.js";
import { callbackEnv, serveLoopback } from "../helpers/net.js";

const dir = mkdtempSync(join(tmpdir(), "duban-import-chunked-"));
const clock = testClock();
const fake = createFakeWecom();
let fakeServer: ServerType;
let fakeUrl = "";
let h: NodeHandle;
const DISP = { userId: "disp", name: "张敏", unitId: 4, roles: ["dispatcher" as const] };

/** Every write the app commits, in commit order (the connection is single, so completion order is commit order). */
type Write = { kind: "stage" | "swap" | "nonce" | "other"; stagedRows: number; statements: number; maxParams: number };
const writes: Write[] = [];
let afterWrite: (w: Write) => void = () => {};

function classify(stmts: InStatement[]): Write {
  const sqls = stmts.map((s) => (typeof s === "string" ? s : s.sql));
  const params = stmts.map((s) => (typeof s === "string" ? 0 : Array.isArray(s.args) ? s.args.length : Object.keys(s.args ?? {}).length));
  const staging = sqls.filter((q) => /^insert into "import_staging"/.test(q));
  const kind = sqls.some((q) => /^insert into "cases".*from "import_staging"/s.test(q)) ? "swap" : staging.length ? "stage" : sqls.some((q) => q.includes('"wecom_nonces"')) ? "nonce" : "other";
  // 7 bound values per staged row (see importStaging).
  const stagedRows = staging.reduce((n, q) => n + params[sqls.indexOf(q)] / 7, 0);
  return { kind, stagedRows, statements: stmts.length, maxParams: Math.max(0, ...params) };
}

/** Record the client's writes: batches, and single statements that write (the nonce claim is one). */
function watch(client: Client) {
  const batch = client.batch.bind(client);
  const execute = client.execute.bind(client);
  client.batch = (async (stmts: InStatement[], mode?: never) => {
    const r = await batch(stmts, mode);
    const w = classify(stmts);
    writes.push(w);
    afterWrite(w);
    return r;
  }) as Client["batch"];
  client.execute = (async (stmt: InStatement) => {
    const r = await execute(stmt);
    const q = typeof stmt === "string" ? stmt : stmt.sql;
    if (/^(insert|update|delete)/i.test(q)) {
      const w = classify([stmt]);
      writes.push(w);
      afterWrite(w);
    }
    return r;
  }) as Client["execute"];
}

beforeAll(async () => {
  ({ server: fakeServer, url: fakeUrl } = await serveLoopback(fake.handle));
  const env = callbackEnv(dir, fakeUrl);
  h = await startNode(env, { clock, schedules: false, log: silentLogger });
  await seedFixture(h.deps.db);
  watch((h.deps.db as unknown as { $client: Client }).$client);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => fakeServer?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** A hand-over list of `n` rows, every cell as text (as the confirm form posts it). */
function list(n: number, prefix: string): ImportInput {
  const rows = Array.from({ length: n }, (_, i) => ["", `${prefix}${String(i).padStart(6, "0")}`, "大气", `金牛区某工地第${i}号扬尘问题`, String(i + 1), "金牛区", "来电", "2026-11-20", "荷花池街道", "2026-12-31"]);
  return { sheets: [{ name: "交办清单", rows: [HEADER, ...rows] }], source: "中央督察", fileName: `${prefix}.xlsx`, sha256: "a".repeat(64) };
}
const runImport = (input: ImportInput) => runUseCase({ deps: h.deps, actor: DISP, source: "web", action: "web.import" }, (ctx) => importCases({ ctx, input }));

let seq = 0;
/** A signed, encrypted 帮助 from the unit's officer; resolves with the bot's answer (stream, or response_url). */
async function callback(): Promise<{ status: number; answer: string }> {
  const n = ++seq;
  const payload = {
    msgid: `CAIQ-imp-${n}-${Math.random().toString(36).slice(2)}`, aibotid: "BOT", chatid: "g-hh", chattype: "group", from: { userid: "hh.officer" },
    response_url: `${fakeUrl}/cgi-bin/aibot/response?response_code=imp-${n}`, msgtype: "text", text: { content: "@督办助手 帮助" },
  };
  const sealed = sealCallback(payload, { timestamp: Math.floor(clock() / 1000) });
  const res = await fetch(`${h.url}/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body, headers: { "content-type": "application/json" } });
  const raw = await res.text();
  if (res.status !== 200) return { status: res.status, answer: "" };
  const stream = (openReply(raw, sealed.nonce).json as { stream?: { content: string } }).stream;
  if (stream) return { status: 200, answer: stream.content };
  for (;;) {
    const call = fake.calls.find((c) => c.kind === "response_url" && (c as { code?: string }).code === `imp-${n}`);
    if (call) return { status: 200, answer: (call as { body: { markdown: { content: string } } }).body.markdown.content };
    await new Promise((r) => setTimeout(r, 20));
  }
}

const N = MAX_IMPORT_ROWS;
const caseCount = async () => (await h.deps.db.select({ n: count() }).from(cases))[0].n;
const stagedCount = async () => (await h.deps.db.select({ n: count() }).from(importStaging))[0].n;

describe("an import at the row cap while WeCom callbacks arrive", () => {
  it("commits in chunks that callbacks slip between, and every callback is answered", { timeout: 180_000 }, async () => {
    const callbacks: Promise<{ status: number; answer: string; doneBeforeImport: boolean }>[] = [];
    let importDone = false;
    let stages = 0;
    // One callback as each of the first five chunks commits: they arrive while the import is still writing.
    afterWrite = (w) => {
      if (w.kind !== "stage" || ++stages > 5) return;
      callbacks.push(callback().then((r) => ({ ...r, doneBeforeImport: !importDone })));
    };
    writes.length = 0;
    const done = await runImport(list(N, "D3SCIMP")).finally(() => (importDone = true));
    afterWrite = () => {};
    expect(done.reply).toContain(`已导入 ${N} 件`);

    const answers = await Promise.all(callbacks);
    expect(answers).toHaveLength(5);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.answer).toContain("签收"); // the 帮助 text lists the officer's commands
    }
    // Structure of the import's writes: N / STAGE_CHUNK staging transactions of ≤ STAGE_CHUNK rows, then one swap whose size
    // does not grow with the file (a constant number of statements, each within D1's 100 parameters).
    const stage = writes.filter((w) => w.kind === "stage");
    expect(stage).toHaveLength(Math.ceil(N / STAGE_CHUNK));
    for (const w of stage) expect(w.stagedRows).toBeLessThanOrEqual(STAGE_CHUNK);
    expect(stage.reduce((n, w) => n + w.stagedRows, 0)).toBe(N);
    const swaps = writes.filter((w) => w.kind === "swap");
    expect(swaps).toHaveLength(1);
    expect(swaps[0].statements).toBeLessThanOrEqual(8);
    expect(swaps[0].maxParams).toBeLessThanOrEqual(100);
    // Every callback's nonce write committed between the import's first chunk and its swap.
    const first = writes.findIndex((w) => w.kind === "stage");
    const swap = writes.findIndex((w) => w.kind === "swap");
    const nonces = writes.map((w, i) => (w.kind === "nonce" ? i : -1)).filter((i) => i >= 0 && i > first);
    expect(nonces.length).toBeGreaterThanOrEqual(5);
    expect(nonces.slice(0, 5).every((i) => i < swap)).toBe(true);
    expect(answers.filter((a) => a.doneBeforeImport).length).toBeGreaterThanOrEqual(1);

    // The result is complete and the staging table is empty again.
    expect(await caseCount()).toBe(N);
    expect((await h.deps.db.select({ n: count() }).from(caseEvents).where(eq(caseEvents.kind, "created")))[0].n).toBe(N);
    expect((await h.deps.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "case.create")))[0].n).toBe(N);
    const [one] = await h.deps.db.select().from(cases).where(eq(cases.externalNo, "D3SCIMP000042"));
    expect(one).toMatchObject({ title: expect.stringContaining("第42号"), pollutionTypes: ["大气"], leadUnitId: 1, state: "pending_ack", version: 1, categories: [], createdBy: "disp" });
    expect(await stagedCount()).toBe(0);
  });

  it("leaves no case when a 受理编号 turns up between preview and swap, and cleans its staging rows", { timeout: 120_000 }, async () => {
    const before = await caseCount();
    const input = list(600, "D3SCDUP");
    // Someone else records row 500's number while the import is staging (after its own check said it was new).
    let injected = false;
    afterWrite = (w) => {
      if (w.kind !== "stage" || injected) return;
      injected = true;
      void h.deps.db.insert(cases).values({ externalNo: "D3SCDUP000500", source: "12345", title: "t", content: "c", createdBy: "disp", createdAt: 1, updatedAt: 1, writeToken: crypto.randomUUID() }).run();
    };
    await expect(runImport(input)).rejects.toBeInstanceOf(DuplicateKey);
    afterWrite = () => {};
    expect(injected).toBe(true);
    expect(await caseCount()).toBe(before + 1); // only the other person's case
    expect(await h.deps.db.select().from(cases).where(like(cases.externalNo, "D3SCDUP%"))).toHaveLength(1);
    expect(await stagedCount()).toBe(0);
  });

  it("never turns an abandoned import's staging rows into cases, and sweeps them an hour later", { timeout: 60_000 }, async () => {
    const before = await caseCount();
    const at = clock();
    await h.deps.db.insert(importStaging).values({ importId: "dead", seq: 0, writeToken: crypto.randomUUID(), batchName: "x", row: JSON.stringify({ external_no: "D3SCDEAD0001" }), event: "{}", createdAt: at - STALE_STAGING_MS - 1 });
    await runImport(list(3, "D3SCLIVE"));
    expect(await caseCount()).toBe(before + 3);
    expect(await h.deps.db.select().from(cases).where(eq(cases.externalNo, "D3SCDEAD0001"))).toHaveLength(0);
    expect(await stagedCount()).toBe(0);
  });
});
