import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, count, eq } from "drizzle-orm";
import { openNodeDb, migrateNodeDb, type OpenDb } from "../../src/db/open-node.js";
import { auditLog, batches, caseEvents, cases, CASE_STATES, EVENT_KINDS, groups, people, ROLES, units } from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedDemo } from "../../src/db/seed-demo.js";
import { isOverdue } from "../../src/domain/lifecycle.js";
import { missingForClosure, missingForStored } from "../../src/domain/closure-gate.js";
import { diskFiles } from "../../src/files/disk.js";
import { attachments, caseRounds } from "../../src/db/schema.js";

// Thursday 2025-11-20 10:30 in Asia/Shanghai.
const NOW = Date.parse("2025-11-20T02:30:00Z");
const DEPARTMENTS = ["区生态环境局", "区住建局", "区城管局", "区市场监管局", "区交通运输局", "公安分局", "区水务局", "区农业农村局"];

type Store = OpenDb & { dir: string; statements: string[]; maxParams: number; cleanup: () => void };

/** A migrated libSQL file database whose batches are watched for D1's 100-parameter limit. */
async function openStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "duban-seed-"));
  const store = await openNodeDb(`file:${join(dir, "seed.db")}`);
  await migrateNodeDb(store.db);
  const watched: Store = { ...store, dir, statements: [], maxParams: 0, cleanup: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
  const batch = store.db.batch.bind(store.db);
  watched.db = new Proxy(store.db, {
    get(target, prop, receiver) {
      if (prop === "batch") {
        return (items: Parameters<Db["batch"]>[0]) => {
          for (const item of items) {
            const q = (item as unknown as { toSQL: () => { sql: string; params: unknown[] } }).toSQL();
            watched.statements.push(q.sql);
            watched.maxParams = Math.max(watched.maxParams, q.params.length);
          }
          return batch(items);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return watched;
}

async function tableCounts(db: Db) {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0].n;
  return {
    units: await n(db.select({ n: count() }).from(units)),
    people: await n(db.select({ n: count() }).from(people)),
    groups: await n(db.select({ n: count() }).from(groups)),
    batches: await n(db.select({ n: count() }).from(batches)),
    cases: await n(db.select({ n: count() }).from(cases)),
    events: await n(db.select({ n: count() }).from(caseEvents)),
    audit: await n(db.select({ n: count() }).from(auditLog)),
  };
}

describe("seedDemo", () => {
  let s: Store;
  let first: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    s = await openStore();
    first = await seedDemo(s.db, { now: NOW, files: diskFiles(join(s.dir, "files")) });
  });
  afterAll(() => s.cleanup());

  it("reports what it created, in one batch within D1's parameter limit", async () => {
    expect(first).toMatchObject({ created: true, units: 24, groups: 25 });
    expect(first.people).toBeGreaterThanOrEqual(60);
    expect(first.cases).toBe(80);
    expect(s.maxParams).toBeLessThanOrEqual(90);
    expect(s.statements.length).toBeGreaterThan(10);
  });

  it("creates streets, the named departments and the office, all labelled demo, with consistent staff", async () => {
    const all = await s.db.select().from(units);
    expect(all.every((u) => u.demo)).toBe(true);
    expect(all.filter((u) => u.kind === "street").length).toBeGreaterThanOrEqual(15);
    for (const name of DEPARTMENTS) expect(all.find((u) => u.name === name)?.kind, name).toBe("department");
    expect(all.find((u) => u.kind === "office")).toMatchObject({ name: "区环督办", aliases: ["环督办", "督办办"] });
    expect(all.find((u) => u.name === "荷花池街道")?.aliases).toContain("荷花池");
    expect(all.find((u) => u.name === "区生态环境局")?.aliases).toEqual(["生态环境局", "环保局"]);

    const staff = await s.db.select().from(people);
    const byUser = new Map(staff.map((p) => [p.userId, p]));
    for (const u of all) {
      expect(u.aliases.length, u.name).toBeGreaterThan(0);
      expect(byUser.get(u.headUserId ?? "")?.unitId, `${u.name} head`).toBe(u.id);
      if (u.deputyUserId) expect(byUser.get(u.deputyUserId)?.unitId).toBe(u.id);
      expect(u.liaisonUserIds.length, u.name).toBeGreaterThan(0);
      for (const l of u.liaisonUserIds) expect(byUser.get(l)?.unitId, `${u.name} liaison ${l}`).toBe(u.id);
      if (u.kind !== "office") {
        const members = staff.filter((p) => p.unitId === u.id);
        expect(members.some((p) => p.roles.includes("unit_head")), u.name).toBe(true);
        expect(members.some((p) => p.roles.includes("officer")), u.name).toBe(true);
      }
    }
    expect(all.some((u) => u.deputyUserId)).toBe(true);
  });

  it("creates people for every role with demo userids", async () => {
    const staff = await s.db.select().from(people);
    for (const role of ROLES) expect(staff.some((p) => p.roles.includes(role)), role).toBe(true);
    for (const p of staff) {
      expect(p.userId).toMatch(/^demo\.[a-z]+$/);
      expect(p.name).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(p.mobile).toMatch(/^1380000\d{4}$/);
      expect(p.demo).toBe(true);
    }
    expect(new Set(staff.map((p) => p.mobile)).size).toBe(staff.length);
    expect(staff.find((p) => p.name === "李明华")?.roles).toEqual(["leader"]);
  });

  it("creates the command group, one group per unit and the accountability group", async () => {
    const all = await s.db.select().from(groups);
    const unitRows = await s.db.select().from(units);
    expect(all.every((g) => g.name.startsWith("【演示】") && g.demo && g.robotKey === null)).toBe(true);
    expect(all.filter((g) => g.purpose === "command")).toEqual([expect.objectContaining({ chatId: "demo-chat-command", name: "【演示】区环保督察整改指挥群" })]);
    expect(all.filter((g) => g.purpose === "accountability")).toHaveLength(1);
    for (const u of unitRows.filter((u) => u.kind !== "office")) {
      const mine = all.filter((g) => g.purpose === "unit" && g.unitId === u.id);
      expect(mine, u.name).toHaveLength(1);
      expect(mine[0].name).toBe(`【演示】${u.name}督办群`);
      expect(mine[0].chatId).toMatch(/^demo-chat-unit-\d+$/);
    }
  });

  it("creates a central and a provincial batch", async () => {
    const all = await s.db.select().from(batches).orderBy(asc(batches.receivedOn));
    expect(all.map((b) => [b.name, b.source, b.receivedOn])).toEqual([
      ["【演示】中央第三轮督察第1批", "中央督察", "2025-10-11"],
      ["【演示】省第二轮督察第3批", "省督察", "2025-11-08"],
    ]);
    const perBatch = await s.db.select({ b: cases.batchId, n: count() }).from(cases).groupBy(cases.batchId);
    expect(perBatch.map((r) => r.n).sort((a, b) => a - b)).toEqual([4, 36, 40]);
  });

  it("creates cases in every state with consistent fields", async () => {
    const all = await s.db.select().from(cases);
    expect(all).toHaveLength(80);
    const state = (x: string) => all.filter((c) => c.state === x);
    for (const st of CASE_STATES) expect(state(st).length, st).toBeGreaterThan(0);
    expect(state("pending_ack")).toHaveLength(10);
    expect(state("pending_ack").filter((c) => c.ackBy! < NOW)).toHaveLength(2);
    expect(state("returned")).toHaveLength(2);
    expect(state("returned").every((c) => c.returnCount === 1)).toBe(true);
    expect(state("cancelled").every((c) => c.cancelReason)).toBe(true);
    expect(state("in_progress").length).toBeGreaterThanOrEqual(28);
    expect(state("pending_review").length).toBeGreaterThanOrEqual(5);
    expect(state("closed").length).toBeGreaterThanOrEqual(22);

    const rebounds = all.filter((c) => c.reboundCount > 0);
    expect(rebounds).toHaveLength(1);
    expect(rebounds[0]).toMatchObject({ state: "in_progress", reboundCount: 1, flagged: true, closedAt: null, outcome: null });
    expect(rebounds[0].dueAt!).toBeGreaterThan(NOW);

    const overdue = all.filter((c) => isOverdue(c, NOW));
    // 8 in progress past due, and 5 closures still awaiting review after their deadline (overdue too, issue 11).
    expect(overdue.filter((c) => c.state === "in_progress").length).toBe(8);
    expect(overdue.filter((c) => c.state === "pending_review").length).toBe(5);
    expect(overdue.length).toBe(13);

    const staged = state("closed").filter((c) => c.outcome === "staged");
    expect(staged).toHaveLength(3);
    expect(staged.every((c) => c.milestoneAt! > NOW)).toBe(true);
    expect(all.filter((c) => c.flagged).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((c) => c.flagged).length).toBeLessThanOrEqual(3);
    expect(all.filter((c) => c.leaderUserId).length).toBeGreaterThanOrEqual(12);
    expect(all.some((c) => c.priority === "urgent")).toBe(true);
    expect(all.some((c) => c.priority === "focus")).toBe(true);
    expect(all.some((c) => c.pollutionTypes.length === 2)).toBe(true);
    expect(all.some((c) => c.coUnitIds.length > 0)).toBe(true);
    expect(all.some((c) => c.extRequestedDue !== null)).toBe(true);

    const unitKinds = new Map((await s.db.select().from(units)).map((u) => [u.id, u.kind]));
    expect(all.filter((c) => unitKinds.get(c.leadUnitId!) === "street").length).toBeGreaterThan(40);
    expect(all.some((c) => unitKinds.get(c.leadUnitId!) === "department")).toBe(true);
    for (const c of all) {
      expect(c.demo).toBe(true);
      expect(c.version).toBeGreaterThanOrEqual(1);
      expect(c.area).toBe("金牛区");
      expect(c.address).toMatch(/^金牛区.+街道/);
      expect(c.title.length).toBeLessThanOrEqual(24);
      expect(c.createdAt).toBeLessThanOrEqual(c.updatedAt);
      expect(c.updatedAt).toBeLessThanOrEqual(NOW);
      expect(c.createdBy).toMatch(/^demo\.(zhangm|liuy)$/);
      expect(c.coUnitIds).not.toContain(c.leadUnitId);
      for (const id of c.coUnitIds) expect(unitKinds.has(id)).toBe(true);
      if (c.dueAt !== null) expect(new Date(c.dueAt).toISOString()).toMatch(/T15:59:59\.999Z$/);
      for (const t of [c.dueAt, c.milestoneAt, c.extRequestedDue]) if (t !== null) expect([0, 6], `#${c.id} deadline on a weekend`).not.toContain(new Date(t + 8 * 3_600_000).getUTCDay());
      const acked = ["in_progress", "pending_review", "closed"].includes(c.state);
      expect(c.acknowledgedAt !== null, `#${c.id} ${c.state} acknowledgedAt`).toBe(acked);
      expect(c.officerUserId !== null, `#${c.id} ${c.state} officer`).toBe(acked);
      if (c.source === "中央督察") expect(c.externalNo).toMatch(/^[DX]3SX20251011\d{4}$/);
      if (c.source === "省督察") expect(c.externalNo).toMatch(/^[DX]SC20251108\d{4}$/);
      if (c.source === "12345") expect(c.batchId).toBeNull();
      expect(c.content.startsWith(c.externalNo?.startsWith("X") ? "群众来信反映" : c.source === "12345" ? "市民通过12345热线反映" : "群众来电反映")).toBe(true);
    }
    expect(new Set(all.map((c) => c.writeToken)).size).toBe(80);
  });

  it("fills the four 四不放过 records on every closed and pending-review case", async () => {
    const all = await s.db.select().from(cases);
    for (const c of all.filter((x) => x.state === "closed" || x.state === "pending_review")) {
      const missing = missingForClosure({
        finding: c.finding ?? undefined,
        verdict: c.verdict ?? undefined,
        rectification: c.rectification ?? undefined,
        handlingClass: c.handlingClass ?? undefined,
        accountability: c.accountableParty ?? undefined,
        accountabilityAction: (c.accountabilityAction ?? undefined) as Parameters<typeof missingForClosure>[0]["accountabilityAction"],
        penaltyAmount: c.penaltyAmount ?? undefined,
        callbackResult: c.callbackResult ?? undefined,
        callbackNote: c.callbackNote ?? undefined,
        outcome: c.outcome ?? undefined,
        milestone: c.milestoneAt ? { kind: "days", n: 1, working: false } : undefined,
        afterPhotos: 1,
      });
      expect(missing, `#${c.id}`).toEqual([]);
      expect(c.submittedAt, `#${c.id}`).not.toBeNull();
      if (c.state === "closed") {
        expect(c.closedAt!).toBeGreaterThan(c.submittedAt!);
        expect(c.outcome).not.toBeNull();
      }
    }
    expect(all.some((c) => c.verdict === "不属实" && c.state === "closed")).toBe(true);
    expect(all.some((c) => c.callbackResult === "无法联系" && c.callbackNote)).toBe(true);
  });

  it("passes the closure gate on every closed and pending-review case with stored after-photos of its round (issue 10)", async () => {
    const files = diskFiles(join(s.dir, "files"));
    const all = await s.db.select().from(cases);
    for (const c of all.filter((x) => x.state === "closed" || x.state === "pending_review")) {
      const photos = await s.db.select().from(attachments).where(eq(attachments.caseId, c.id));
      const current = photos.filter((p) => p.round === c.round && p.phase === "after" && p.kind === "image");
      expect(missingForStored(c, current.length), `#${c.id}`).toEqual([]);
      for (const p of photos) expect((await files.head(p.storageKey))?.mime, `#${c.id} ${p.storageKey}`).toBe("image/png");
    }
    // A reopened case starts its second round empty; its first round is kept with its after-photo.
    const reopened = all.filter((c) => c.reboundCount > 0);
    expect(reopened.length).toBeGreaterThan(0);
    for (const c of reopened) {
      expect(c, `#${c.id}`).toMatchObject({ round: 2, roundReason: "rebound", finding: null, rectification: null, callbackResult: null });
      const [r1] = await s.db.select().from(caseRounds).where(eq(caseRounds.caseId, c.id));
      expect(r1, `#${c.id}`).toMatchObject({ round: 1, reason: "dispatch" });
      expect((r1.items as { rectification: string }).rectification).toBeTruthy();
      expect(await s.db.select().from(attachments).where(eq(attachments.caseId, c.id))).toMatchObject([{ round: 1, phase: "after" }]);
    }
  });

  it("gives every case an ordered timeline that matches its state, and one audit row", async () => {
    const all = await s.db.select().from(cases);
    const events = await s.db.select().from(caseEvents).orderBy(asc(caseEvents.id));
    const actors = new Set((await s.db.select({ u: people.userId }).from(people)).map((p) => p.u));
    for (const c of all) {
      const mine = events.filter((e) => e.caseId === c.id);
      const kinds = mine.map((e) => e.kind);
      expect(mine.length, `#${c.id}`).toBeGreaterThanOrEqual(1);
      expect(kinds[0]).toBe("created");
      expect(mine[0].at).toBe(c.createdAt);
      expect(mine[mine.length - 1].at).toBe(c.updatedAt);
      expect(c.version).toBe(mine.length);
      for (let i = 1; i < mine.length; i++) expect(mine[i].at, `#${c.id} ${kinds.join(",")}`).toBeGreaterThan(mine[i - 1].at);
      for (const e of mine) {
        expect(EVENT_KINDS).toContain(e.kind);
        expect(actors.has(e.actorUserId), e.actorUserId).toBe(true);
        expect(e.at).toBeLessThanOrEqual(NOW);
      }
      const created = mine[0].data as { leadUnitId: number; coUnitIds: number[]; dueAt: number };
      expect(created.leadUnitId).toBe(c.leadUnitId);
      expect(created.coUnitIds).toEqual(c.coUnitIds);
      if (c.acknowledgedAt) expect(mine.find((e) => e.kind === "acknowledged")?.at).toBe(c.acknowledgedAt);
      if (c.state === "closed") expect(mine.filter((e) => e.kind === "closure_approved").at(-1)?.at).toBe(c.closedAt);
      if (c.state === "pending_review") expect(kinds.at(-1)).toBe("closure_submitted");
      if (c.state === "returned") expect(kinds.at(-1)).toBe("returned");
      if (c.state === "cancelled") expect(kinds).toEqual(["created", "cancelled"]);
      if (c.state === "pending_ack") expect(kinds.every((k) => k === "created" || k === "chased")).toBe(true);
      if (c.reboundCount === 1) expect(kinds.indexOf("rebound")).toBeGreaterThan(kinds.indexOf("closure_approved"));
      if (c.flagged) expect(kinds).toContain("flagged");
    }
    const audits = await s.db.select().from(auditLog).where(eq(auditLog.action, "demo.seed"));
    for (const c of all) expect(audits.filter((a) => a.object === `case:${c.id}`), `#${c.id}`).toHaveLength(1);
  });

  it("does nothing the second time", async () => {
    const before = await tableCounts(s.db);
    const again = await seedDemo(s.db, { now: NOW + 86_400_000 });
    expect(again).toEqual({ ...first, created: false });
    expect(await tableCounts(s.db)).toEqual(before);
  });
});

describe("seedDemo determinism and safety", () => {
  const stores: Store[] = [];
  afterAll(() => stores.forEach((s) => s.cleanup()));

  it("produces the same data for the same now", async () => {
    const rows = async () => {
      const s = await openStore();
      stores.push(s);
      await seedDemo(s.db, { now: NOW });
      const all = await s.db.select().from(cases).orderBy(asc(cases.id));
      const events = await s.db.select().from(caseEvents).orderBy(asc(caseEvents.id));
      return { cases: all.map(({ writeToken: _t, ...rest }) => rest), events };
    };
    expect(await rows()).toEqual(await rows());
  });

  it("keeps every instant in the past at an awkward now (Monday 03:10 local)", async () => {
    const now = Date.parse("2026-03-01T19:10:00Z"); // Monday 03:10 in Shanghai after a weekend
    const s = await openStore();
    stores.push(s);
    expect((await seedDemo(s.db, { now })).created).toBe(true);
    const all = await s.db.select().from(cases);
    expect(all.every((c) => c.updatedAt <= now && c.createdAt <= c.updatedAt)).toBe(true);
    expect(all.filter((c) => isOverdue(c, now)).length).toBeGreaterThanOrEqual(6);
    expect(all.filter((c) => c.state === "pending_ack" && c.ackBy! > now)).toHaveLength(8);
  });

  it("refuses to mix with real units of the same name", async () => {
    const s = await openStore();
    stores.push(s);
    await s.db.insert(units).values({ name: "荷花池街道", kind: "street" });
    await expect(seedDemo(s.db, { now: NOW })).rejects.toThrow(/荷花池街道/);
    expect(await tableCounts(s.db)).toMatchObject({ units: 1, cases: 0 });
  });

  it("sits next to real cases without clashing", async () => {
    const s = await openStore();
    stores.push(s);
    await s.db.insert(cases).values({ source: "12345", title: "真实案件", content: "c", createdBy: "u", createdAt: 1, updatedAt: 1, writeToken: "real-1" });
    expect((await seedDemo(s.db, { now: NOW })).created).toBe(true);
    expect(await tableCounts(s.db)).toMatchObject({ cases: 81 });
    const [real] = await s.db.select().from(cases).where(eq(cases.writeToken, "real-1"));
    expect(real).toMatchObject({ id: 1, demo: false });
  });
});
