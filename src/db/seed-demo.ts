/**
 * Demo data (`duban seed --demo`, and on start in local mode): a district modelled on Chengdu's Jinniu district
 * with 15 streets, 8 departments and the office, their people and work groups, a central and a provincial
 * inspection batch and about 80 cases in every state with plausible timelines.
 *
 * - Everything is labelled: `demo = true` on units, people, groups, batches and cases; names start with 【演示】.
 * - Idempotent: when a demo unit exists nothing is written and `created: false` comes back.
 * - One `db.batch` (all or nothing on libSQL and D1). Ids are never assumed: rows refer to units, batches and
 *   cases through sub-selects by unique name / write token. Every statement binds at most 90 parameters (D1: 100).
 * - Deterministic for a given `now` (seeded PRNG); only the write tokens are random.
 * - Demo times use China Standard Time (UTC+8, no daylight saving) and skip weekends but not public holidays.
 */
import { count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Files } from "../files/types.js";
import { demoPhoto } from "./demo-photo.js";
import { attachments, auditLog, batches, caseEvents, caseRounds, cases, groups, people, units, type CaseState, type EventKind, type Priority, type Role, type RoundReason } from "./schema.js";
import type { Db } from "./types.js";
import { caseIdSql, newToken, type BatchItem } from "./write.js";
import * as D from "./seed-demo-data.js";

export type SeedDemoResult = { created: boolean; units: number; people: number; groups: number; cases: number };

/** Parameters per statement; D1 allows 100. */
const MAX_PARAMS = 90;
const SEED = 20180611;

// ---------------------------------------------------------------- time (UTC+8) and randomness

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR;

const ymdOf = (ms: number) => new Date(ms + TZ).toISOString().slice(0, 10);
const atLocal = (ymd: string, h: number, m = 0) => Date.parse(`${ymd}T00:00:00Z`) - TZ + h * HOUR + m * MIN;
const endOfDay = (ymd: string) => atLocal(ymd, 24) - 1; // 23:59:59.999 local
const addDays = (ymd: string, n: number) => ymdOf(atLocal(ymd, 12) + n * DAY);
const localHour = (ms: number) => ((ms + TZ) % DAY) / HOUR;
const isWeekend = (ymd: string) => [0, 6].includes(new Date(`${ymd}T00:00:00Z`).getUTCDay());
function nextWorkday(ymd: string): string {
  let d = addDays(ymd, 1);
  while (isWeekend(d)) d = addDays(d, 1);
  return d;
}
/** A deadline: the end of that day, moved off a weekend (forward, or back to Friday when `earlier`). */
function dueOn(ymd: string, earlier = false): number {
  let d = ymd;
  while (isWeekend(d)) d = addDays(d, earlier ? -1 : 1);
  return endOfDay(d);
}

type Rng = {
  next: () => number;
  int: (lo: number, hi: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
  shuffle: <T>(xs: readonly T[]) => T[];
};

/** mulberry32: small, fast and good enough for demo data. */
function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    shuffle: (xs) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

/** Push an instant forward into office hours (09:00–18:00 local) when it falls outside. */
function forward(rng: Rng, t: number): number {
  const h = localHour(t);
  if (h < 9) return atLocal(ymdOf(t), 9, rng.int(0, 90));
  if (h >= 18) return atLocal(addDays(ymdOf(t), 1), 9, rng.int(0, 90));
  return t;
}

/** Pull an instant back into office hours when it falls outside. */
function backward(rng: Rng, t: number): number {
  const h = localHour(t);
  if (h >= 18) return atLocal(ymdOf(t), 17, rng.int(0, 55));
  if (h < 9) return atLocal(addDays(ymdOf(t), -1), 17, rng.int(0, 55));
  return t;
}

// ---------------------------------------------------------------- plan

type Scenario =
  | "ack" | "ack_late" | "returned" | "work" | "work_late" | "work_ext" | "work_extreq"
  | "review" | "review_rejected" | "closed" | "closed_false" | "staged" | "cancelled" | "rebound";

const STATE_OF: Record<Scenario, CaseState> = {
  ack: "pending_ack", ack_late: "pending_ack", returned: "returned", work: "in_progress", work_late: "in_progress",
  work_ext: "in_progress", work_extreq: "in_progress", rebound: "in_progress", review: "pending_review",
  review_rejected: "pending_review", closed: "closed", closed_false: "closed", staged: "closed", cancelled: "cancelled",
};

/** How many cases of each scenario per source. */
const PLAN: Record<"central" | "provincial" | "hotline", Partial<Record<Scenario, number>>> = {
  central: { closed: 17, staged: 3, closed_false: 2, review: 4, review_rejected: 1, work_late: 6, work_ext: 4, work_extreq: 1, rebound: 1, cancelled: 1 },
  provincial: { ack: 6, ack_late: 2, returned: 2, work: 18, work_late: 2, review: 2, closed: 3, closed_false: 1 },
  hotline: { ack: 2, work: 1, closed: 1 },
};

type UnitInfo = { name: string; kind: "street" | "department" | "office"; aliases: string[]; head: string; deputy?: string; officers: string[] };

type Ev = { kind: EventKind; at: number; actor: string; text?: string; data?: Record<string, unknown> | SQL };

/** An after-photo the case's timeline implies (one per 办结 submission), and an ended handling round. */
type PhotoDraft = { at: number; by: string; round: number };
type RoundDraft = { round: number; reason: RoundReason; startedAt: number; endedAt: number; unitId: SQL; items: Record<string, unknown> };
type CaseDraft = { token: string; row: SQLiteInsertValue<typeof cases>; events: Ev[]; photos: PhotoDraft[]; rounds: RoundDraft[] };
type StoredPhoto = PhotoDraft & { key: string; size: number; sha256: string };
const GATE_COLUMNS = ["finding", "verdict", "rectification", "handlingClass", "accountableParty", "accountabilityAction", "penaltyAmount", "callbackResult", "callbackNote"] as const;

const unitIdSql = (name: string): SQL => sql`(select ${units.id} from ${units} where ${units.name} = ${name})`;
const batchIdSql = (name: string): SQL => sql`(select ${batches.id} from ${batches} where ${batches.name} = ${name})`;

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? "");

// ---------------------------------------------------------------- the seed

/**
 * `files`: where the demo after-photos go. Without it the closed and pending-review demo cases would have no
 * after-photo and fail the closure gate (issue 10), so every runtime passes its store.
 */
export async function seedDemo(db: Db, opts: { now: number; files?: Files }): Promise<SeedDemoResult> {
  if (await demoPresent(db)) return { created: false, ...(await demoCounts(db)) };
  const data = buildDemo(opts.now);
  try {
    await refuseClashes(db, data);
    // Files first: a batch that then fails leaves unreferenced demo files behind, never rows without a file.
    const photos = new Map<string, StoredPhoto[]>();
    if (opts.files) {
      for (const [i, d] of data.cases.entries()) {
        for (const [n, p] of d.photos.entries()) {
          const key = `evidence/demo/${d.token}-${n + 1}.png`;
          const stored = await opts.files.put(key, await demoPhoto(i * 7 + n + 1), "image/png");
          photos.set(d.token, [...(photos.get(d.token) ?? []), { ...p, key, size: stored.size, sha256: stored.sha256 }]);
        }
      }
    }
    const [first, ...rest] = data.statements(db, photos);
    await db.batch([first, ...rest]);
  } catch (e) {
    // A concurrent seeder may have won the race; its data is as good as ours.
    if (await demoPresent(db)) return { created: false, ...(await demoCounts(db)) };
    throw e;
  }
  return { created: true, units: data.units.length, people: data.people.length, groups: data.groups.length, cases: data.cases.length };
}

async function demoPresent(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: units.id }).from(units).where(eq(units.demo, true)).limit(1);
  return row !== undefined;
}

async function demoCounts(db: Db): Promise<Omit<SeedDemoResult, "created">> {
  const [u] = await db.select({ n: count() }).from(units).where(eq(units.demo, true));
  const [p] = await db.select({ n: count() }).from(people).where(eq(people.demo, true));
  const [g] = await db.select({ n: count() }).from(groups).where(eq(groups.demo, true));
  const [c] = await db.select({ n: count() }).from(cases).where(eq(cases.demo, true));
  return { units: u.n, people: p.n, groups: g.n, cases: c.n };
}

/** Demo rows never overwrite or mix with real ones: refuse when a name, userid, chat or number is taken. */
async function refuseClashes(db: Db, data: DemoData): Promise<void> {
  const taken = (have: string[], want: string[]) => want.filter((w) => have.includes(w));
  const clashes = [
    ...taken((await db.select({ v: units.name }).from(units)).map((r) => r.v), data.units.map((u) => String(u.name))),
    ...taken((await db.select({ v: people.userId }).from(people)).map((r) => r.v), data.people.map((p) => String(p.userId))),
    ...taken((await db.select({ v: groups.chatId }).from(groups)).map((r) => r.v), data.groups.map((g) => String(g.chatId))),
    ...taken((await db.select({ v: batches.name }).from(batches)).map((r) => r.v), data.batches.map((b) => b.name)),
  ];
  const numbers = data.cases.map((c) => c.row.externalNo).filter((x): x is string => typeof x === "string");
  for (let i = 0; i < numbers.length; i += MAX_PARAMS) {
    const rows = await db.select({ v: cases.externalNo }).from(cases).where(inArray(cases.externalNo, numbers.slice(i, i + MAX_PARAMS)));
    clashes.push(...rows.map((r) => r.v ?? ""));
  }
  if (clashes.length) {
    throw new Error(`Demo data not added: these names already exist in the database: ${clashes.slice(0, 8).join(", ")}${clashes.length > 8 ? " …" : ""}. Seed demo data into an empty database.`);
  }
}

type DemoData = ReturnType<typeof buildDemo>;

/** Everything the seed writes, as plain rows; pure function of `now`. */
export function buildDemo(now: number) {
  const rng = makeRng(SEED);
  const base = now - 60 * DAY; // when the district set the system up

  // ---- units and people
  const unitList: UnitInfo[] = [
    ...D.STREETS.map((s) => ({ name: s.name, kind: "street" as const, aliases: s.aliases })),
    ...D.DEPARTMENTS.map((d) => ({ name: d.name, kind: "department" as const, aliases: d.aliases })),
  ].map((u) => {
    const staff = D.STAFF.find((s) => s.unit === u.name);
    if (!staff) throw new Error(`no staff for ${u.name}`);
    return { ...u, head: staff.head[0], deputy: staff.deputy?.[0], officers: staff.officers.map((o) => o[0]) };
  });
  const office: UnitInfo = { name: D.OFFICE.name, kind: "office", aliases: D.OFFICE.aliases, head: D.OFFICE_HEAD[0], officers: D.DISPATCHERS.map((p) => p[0]) };
  unitList.push(office);
  const unitByName = new Map(unitList.map((u) => [u.name, u]));

  const unitRows: SQLiteInsertValue<typeof units>[] = unitList.map((u) => ({
    name: u.name,
    kind: u.kind,
    aliases: u.aliases,
    headUserId: u.head,
    deputyUserId: u.deputy,
    liaisonUserIds: u.officers,
    active: true,
    demo: true,
    createdAt: base,
  }));

  type PersonRow = { userId: string; name: string; unit: string | null; roles: Role[] };
  const persons: PersonRow[] = [];
  for (const s of D.STAFF) {
    persons.push({ userId: s.head[0], name: s.head[1], unit: s.unit, roles: ["unit_head"] });
    if (s.deputy) persons.push({ userId: s.deputy[0], name: s.deputy[1], unit: s.unit, roles: ["unit_head"] });
    for (const o of s.officers) persons.push({ userId: o[0], name: o[1], unit: s.unit, roles: ["officer"] });
  }
  const inOffice = (p: D.P, roles: Role[]) => persons.push({ userId: p[0], name: p[1], unit: D.OFFICE.name, roles });
  inOffice(D.OFFICE_HEAD, ["dispatcher"]);
  for (const p of D.DISPATCHERS) inOffice(p, ["dispatcher"]);
  inOffice(D.ADMIN, ["admin"]);
  inOffice(D.AUDITOR, ["auditor"]);
  for (const p of D.ACCOUNTABILITY) inOffice(p, ["accountability"]);
  for (const p of D.LEADERS) persons.push({ userId: p[0], name: p[1], unit: null, roles: ["leader"] });
  const nameOf = new Map(persons.map((p) => [p.userId, p.name]));

  const peopleRows: SQLiteInsertValue<typeof people>[] = persons.map((p, i) => ({
    userId: p.userId,
    name: p.name,
    mobile: `1380000${String(i + 1).padStart(4, "0")}`,
    unitId: p.unit ? unitIdSql(p.unit) : undefined,
    roles: p.roles,
    active: true,
    failedLogins: 0,
    demo: true,
    createdAt: base,
  }));

  // ---- groups and batches
  const groupRows: SQLiteInsertValue<typeof groups>[] = [
    { chatId: D.COMMAND_GROUP.chatId, name: D.COMMAND_GROUP.name, purpose: "command", demo: true, createdAt: base },
    ...unitList
      .filter((u) => u.kind !== "office")
      .map((u, i) => ({ chatId: `demo-chat-unit-${i + 1}`, name: `${D.GROUP_PREFIX}${u.name}督办群`, purpose: "unit" as const, unitId: unitIdSql(u.name), demo: true, createdAt: base })),
    { chatId: D.ACCOUNTABILITY_GROUP.chatId, name: D.ACCOUNTABILITY_GROUP.name, purpose: "accountability", demo: true, createdAt: base },
  ];

  const centralOn = ymdOf(now - D.CENTRAL_BATCH.daysAgo * DAY);
  const provincialOn = ymdOf(now - D.PROVINCIAL_BATCH.daysAgo * DAY);
  const batchRows = [
    { name: D.CENTRAL_BATCH.name, source: D.CENTRAL_BATCH.source, receivedOn: centralOn, demo: true, createdAt: atLocal(centralOn, 9, 30) },
    { name: D.PROVINCIAL_BATCH.name, source: D.PROVINCIAL_BATCH.source, receivedOn: provincialOn, demo: true, createdAt: atLocal(provincialOn, 9, 30) },
  ];

  // ---- cases
  const drafts: CaseDraft[] = [];
  let templateCycle = rng.shuffle(D.TEMPLATES.map((_, i) => i));
  let templateAt = 0;
  const streetCycle = rng.shuffle(D.STREETS);
  let streetAt = 0;
  const seq = { central: rng.int(3, 12), provincial: rng.int(3, 12), hotline: rng.int(100, 900) };
  const dispatchers = D.DISPATCHERS.map((p) => p[0]);
  const [chief, deputyA, deputyB] = D.LEADERS.map((p) => p[0]);

  /** The next template that fits, going through all templates in a fresh random order each round. */
  const nextTemplate = (ok: (t: D.CaseTemplate) => boolean): D.CaseTemplate => {
    for (let k = 0; k < 2 * D.TEMPLATES.length; k++) {
      if (templateAt === templateCycle.length) {
        templateCycle = rng.shuffle(templateCycle);
        templateAt = 0;
      }
      const t = D.TEMPLATES[templateCycle[templateAt++]];
      if (ok(t)) return t;
    }
    throw new Error("no template fits");
  };
  const nextStreet = (needsRiver: boolean): D.StreetDef => {
    for (;;) {
      const s = streetCycle[streetAt++ % streetCycle.length];
      if (!needsRiver || s.river) return s;
    }
  };

  for (const source of ["central", "provincial", "hotline"] as const) {
    const plan = rng.shuffle(Object.entries(PLAN[source]).flatMap(([s, n]) => Array<Scenario>(n).fill(s as Scenario)));
    let lateSeen = 0;
    let workSeen = 0;
    let closedSeen = 0;
    let previousNo: string | null = null;
    for (const scenario of plan) {
      const tpl =
        scenario === "rebound" ? D.TEMPLATES[0]
        : scenario === "staged" ? nextTemplate((t) => t.longTerm === true)
        : scenario === "returned" ? nextTemplate((t) => t.lead === "street")
        : nextTemplate(() => true);
      const street = nextStreet(tpl.needsRiver === true);
      const road = rng.pick(street.roads);
      const where = fill(tpl.where, { road, river: street.river ?? "" });
      const vars = { road, river: street.river ?? "", short: street.aliases[0], street: street.name, where, addr: `${D.AREA}${street.name}${where}` };
      const leadName = tpl.lead === "street" ? street.name : tpl.lead;
      const co: string[] = [];
      if (tpl.lead === "street") {
        if (tpl.co[0] && rng.chance(0.6)) co.push(tpl.co[0]);
        if (tpl.co[1] && rng.chance(0.35)) co.push(tpl.co[1]);
      } else {
        if (rng.chance(0.7)) co.push(street.name);
        if (tpl.co[0] && rng.chance(0.5)) co.push(tpl.co[0]);
      }

      // Priority, 挂牌 and the supervising leader.
      let priority: Priority = "normal";
      let flagged = false;
      if (source === "central" && scenario === "work_late" && lateSeen < 2) priority = "focus";
      if (source === "central" && scenario === "staged") priority = "focus";
      if (source === "provincial" && scenario === "work_late") priority = "urgent";
      if (source === "provincial" && scenario === "work" && workSeen === 0) priority = "urgent";
      if (scenario === "work_late" && lateSeen === 0) flagged = true;
      if (scenario === "rebound") flagged = true;
      if (scenario === "work_late") lateSeen++;
      if (scenario === "work") workSeen++;
      const leader = flagged ? chief : priority !== "normal" || rng.chance(0.15) ? rng.pick([deputyA, deputyB]) : null;

      // Channel and external number.
      const phone = rng.chance(0.6);
      let externalNo: string;
      let prefix: string;
      if (source === "hotline") {
        prefix = D.CHANNEL_PREFIX.hotline;
        externalNo = ""; // set once the creation day is known
      } else {
        prefix = phone ? D.CHANNEL_PREFIX.D : D.CHANNEL_PREFIX.X;
        seq[source] += rng.int(1, 9);
        const on = (source === "central" ? centralOn : provincialOn).replaceAll("-", "");
        externalNo = `${phone ? "D" : "X"}${source === "central" ? "3SX" : "SC"}${on}${String(seq[source]).padStart(4, "0")}`;
      }

      const draft = buildCase(rng, now, {
        scenario, source, tpl, vars, leadName, co, priority, flagged, leader, externalNo, prefix, previousNo,
        lead: unitByName.get(leadName)!,
        receivedOn: source === "central" ? centralOn : source === "provincial" ? provincialOn : null,
        batchName: source === "central" ? D.CENTRAL_BATCH.name : source === "provincial" ? D.PROVINCIAL_BATCH.name : null,
        dispatcher: rng.pick(dispatchers),
        otherDispatcher: (d: string) => dispatchers.find((x) => x !== d) ?? d,
        neighbour: D.STREETS.filter((s) => s.name !== street.name)[rng.int(0, D.STREETS.length - 2)].name,
        nameOf,
        lateClosure: (scenario === "closed" && source === "central" && closedSeen++ % 8 === 7),
        cannotReach: scenario === "closed_false" && source === "provincial",
        hotlineSeq: () => (seq.hotline += rng.int(1, 40)),
      });
      if (source !== "hotline") previousNo = externalNo;
      drafts.push(draft);
    }
  }

  return {
    units: unitRows,
    people: peopleRows,
    groups: groupRows,
    batches: batchRows,
    cases: drafts,
    /** The statements of the one batch, in dependency order. */
    statements(db: Db, photos: Map<string, StoredPhoto[]> = new Map()): BatchItem[] {
      const at = now;
      return [
        ...chunkedInsert(db, units, unitRows),
        ...chunkedInsert(db, people, peopleRows),
        ...chunkedInsert(db, groups, groupRows),
        ...chunkedInsert(db, batches, batchRows),
        ...chunkedInsert(db, cases, drafts.map((d) => d.row)),
        ...chunkedInsert(
          db,
          caseEvents,
          drafts.flatMap((d) =>
            d.events.map((e) => ({ caseId: caseIdSql({ token: d.token }) as SQL, at: e.at, actorUserId: e.actor, kind: e.kind, text: e.text, data: e.data })),
          ),
        ),
        ...chunkedInsert(
          db,
          caseRounds,
          drafts.flatMap((d) => d.rounds.map((r) => ({ ...r, caseId: caseIdSql({ token: d.token }) as SQL, cleared: ["核查", "整改", "责任", "回访"] }))),
        ),
        ...chunkedInsert(
          db,
          attachments,
          drafts.flatMap((d) =>
            (photos.get(d.token) ?? []).map((p) => ({
              caseId: caseIdSql({ token: d.token }) as SQL,
              kind: "image" as const,
              mime: "image/png",
              size: p.size,
              sha256: p.sha256,
              storageKey: p.key,
              phase: "after" as const,
              round: p.round,
              uploaderUserId: p.by,
              createdAt: p.at,
            })),
          ),
        ),
        ...chunkedInsert(db, auditLog, [
          ...drafts.map((d) => ({
            at,
            actor: "system",
            action: "demo.seed",
            object: sql`('case:' || ${caseIdSql({ token: d.token })})`,
            result: "ok" as const,
            source: "seed",
          })),
          {
            at,
            actor: "system",
            action: "demo.seed",
            object: "demo",
            result: "ok" as const,
            source: "seed",
            detail: { units: unitRows.length, people: peopleRows.length, groups: groupRows.length, batches: batchRows.length, cases: drafts.length },
          },
        ]),
      ];
    },
  };
}

/** Multi-row inserts, each statement binding at most MAX_PARAMS parameters. */
function chunkedInsert<T extends SQLiteTable>(db: Db, table: T, rows: SQLiteInsertValue<T>[]): BatchItem[] {
  const out: BatchItem[] = [];
  let chunk: SQLiteInsertValue<T>[] = [];
  let params = 0;
  const flush = () => {
    if (chunk.length) out.push(db.insert(table).values(chunk) as unknown as BatchItem);
    chunk = [];
    params = 0;
  };
  for (const row of rows) {
    const p = db.insert(table).values(row).toSQL().params.length;
    if (p > MAX_PARAMS) throw new Error(`a demo row binds ${p} parameters (limit ${MAX_PARAMS})`);
    if (params + p > MAX_PARAMS) flush();
    chunk.push(row);
    params += p;
  }
  flush();
  return out;
}

// ---------------------------------------------------------------- one case and its timeline

type CaseSpec = {
  scenario: Scenario;
  source: "central" | "provincial" | "hotline";
  tpl: D.CaseTemplate;
  vars: Record<string, string>;
  lead: UnitInfo;
  leadName: string;
  co: string[];
  priority: Priority;
  flagged: boolean;
  leader: string | null;
  externalNo: string;
  prefix: string;
  previousNo: string | null;
  receivedOn: string | null;
  batchName: string | null;
  dispatcher: string;
  otherDispatcher: (d: string) => string;
  neighbour: string;
  nameOf: Map<string, string>;
  lateClosure: boolean;
  cannotReach: boolean;
  hotlineSeq: () => number;
};

function buildCase(rng: Rng, now: number, s: CaseSpec): CaseDraft {
  const { scenario, tpl, vars, lead } = s;
  const state = STATE_OF[scenario];
  const evs: Ev[] = [];
  const add = (kind: EventKind, at: number, actor: string, text?: string, data?: Ev["data"]) => {
    evs.push({ kind, at, actor, text, data });
    return at;
  };
  // -- creation, deadlines
  let created: number;
  if (scenario === "ack") created = backward(rng, now - rng.int(1, 6) * HOUR); // today, or late yesterday: still within its acknowledge limit
  else if (scenario === "returned") created = backward(rng, now - rng.int(18, 30) * HOUR);
  else if (scenario === "ack_late") created = backward(rng, now - 5 * DAY - rng.int(0, 8) * HOUR);
  else if (s.receivedOn) created = atLocal(s.receivedOn, rng.int(10, 15), rng.int(0, 59));
  else created = backward(rng, now - rng.int(7, 9) * DAY); // 12345 cases of the past week
  const createdOn = ymdOf(created);
  const R = s.receivedOn ?? createdOn;

  let dueAt: number;
  if (s.source === "hotline") dueAt = dueOn(addDays(createdOn, 10));
  else if (scenario === "work_late" && s.source === "provincial") dueAt = dueOn(addDays(R, 10), true);
  else if (scenario === "work_late" || scenario === "work_ext") dueAt = dueOn(addDays(R, rng.int(15, 20)));
  else if (scenario === "work_extreq") dueAt = dueOn(addDays(R, 45));
  else if (s.source === "central") dueAt = dueOn(addDays(R, rng.int(15, 30)));
  else dueAt = dueOn(addDays(R, rng.int(20, 30)));
  const ackBy = s.priority === "urgent" ? created + 2 * HOUR : endOfDay(nextWorkday(createdOn));

  const externalNo = s.source === "hotline" ? `GD${createdOn.replaceAll("-", "")}${String(s.hotlineSeq()).padStart(4, "0")}` : s.externalNo;
  const content = s.prefix + fill(tpl.content, vars);
  const title = fill(tpl.title, vars).slice(0, 24);

  add("created", created, s.dispatcher, content, sql`json_object('leadUnitId', ${unitIdSql(s.leadName)}, 'coUnitIds', json(${coJson(s.co)}), 'dueAt', ${dueAt}, 'ackBy', ${ackBy})`);

  // -- fields that scenarios fill in
  const f: Partial<typeof cases.$inferInsert> = {};
  // Who acknowledged and who does the work (set by acknowledge()).
  const who: { officer: string | null; ackActor: string | null } = { officer: null, ackActor: null };
  const worker = () => who.officer ?? lead.head;

  const acknowledge = (t: number) => {
    const viaOfficer = rng.chance(0.6);
    const officer = rng.pick(lead.officers);
    who.officer = officer;
    who.ackActor = viaOfficer ? officer : lead.head;
    add("acknowledged", t, who.ackActor);
    if (!viaOfficer) add("officer_assigned", t + rng.int(5, 60) * MIN, lead.head, s.nameOf.get(officer), { userId: officer });
    return t;
  };
  /** Progress reports spread between two instants (only those before now). */
  const progress = (from: number, to: number, texts: string[]) => {
    texts.forEach((text, i) => {
      const t = forward(rng, from + ((to - from) * (i + 1)) / (texts.length + 1));
      if (t < now - HOUR) add("progress", t, worker(), text);
    });
  };
  const coNote = (from: number) => {
    if (!s.co.length || !rng.chance(0.5)) return;
    const coUnit = s.co[0];
    const t = forward(rng, from + rng.int(4, 30) * HOUR);
    if (t < now - HOUR) add("progress", t, unitOfficer(coUnit, s, rng), `${coUnit}已派员参与现场核查，配合牵头单位开展整改`);
  };
  const gate = (): Record<string, unknown> => {
    const untrue = scenario === "closed_false";
    const cb = s.cannotReach ? "无法联系" : rng.chance(0.75) ? "满意" : "基本满意";
    return {
      finding: fill(untrue ? D.NOT_TRUE.finding : tpl.finding, vars),
      verdict: untrue ? "不属实" : tpl.verdict,
      rectification: untrue ? D.NOT_TRUE.rectification : fill(tpl.rectification, vars),
      handlingClass: untrue ? D.NOT_TRUE.handlingClass : tpl.handlingClass,
      accountableParty: untrue ? D.NOT_TRUE.party : fill(tpl.party, vars),
      accountabilityAction: untrue ? D.NOT_TRUE.action : tpl.action,
      penaltyAmount: untrue ? null : (tpl.penalty ?? null),
      callbackResult: cb,
      callbackNote: cb === "无法联系" ? "来电号码为空号，已走访周边居民，均表示无此问题" : null,
    };
  };
  const submit = (t: number, g: Record<string, unknown>, outcome: "closed" | "staged", milestoneAt: number | null) => {
    const summary = `核查：${g.verdict}｜分类：${g.handlingClass}｜责任：${g.accountabilityAction}｜回访：${g.callbackResult}${milestoneAt ? `｜阶段性办结，下一节点 ${ymdOf(milestoneAt)}` : ""}`;
    const { accountableParty, ...rest } = g;
    add("closure_submitted", t, worker(), summary, { ...rest, accountability: accountableParty, outcome, milestoneAt });
  };
  const approver = s.leader ?? D.LEADER_IN_CHARGE;

  switch (scenario) {
    case "ack":
      break;
    case "ack_late":
      add("chased", backward(rng, now - rng.int(4, 20) * HOUR), s.dispatcher, D.CHASE_TEXT);
      break;
    case "returned": {
      const later = created + rng.int(1, 6) * HOUR;
      const t = localHour(later) < 18 ? later : created + rng.int(10, 50) * MIN;
      add("returned", t, lead.head, `该点位属${s.neighbour}辖区，不属于本街道管辖，请改派`, sql`json_object('fromUnitId', ${unitIdSql(s.leadName)}, 'count', 1)`);
      f.returnCount = 1;
      break;
    }
    case "cancelled": {
      const other = s.otherDispatcher(s.dispatcher);
      const reason = s.previousNo ? `与受理编号${s.previousNo}反映同一问题，重复交办，已并案办理` : "重复交办，已并案办理";
      add("cancelled", forward(rng, created + rng.int(2, 6) * HOUR), other, reason);
      f.cancelReason = reason;
      break;
    }
    default: {
      const a = acknowledge(s.priority === "urgent" ? created + rng.int(20, 100) * MIN : forward(rng, created + rng.int(1, 20) * HOUR));
      coNote(a);
      switch (scenario) {
        case "work":
          progress(a, Math.min(now, a + rng.int(4, 9) * DAY), tpl.steps.slice(0, rng.int(0, 2)));
          break;
        case "work_late": {
          progress(a, Math.min(now, dueAt), tpl.steps.slice(0, rng.int(1, 2)));
          const chase = forward(rng, dueAt + rng.int(1, 3) * DAY);
          if (chase < now - HOUR) add("chased", chase, s.dispatcher, D.OVERDUE_CHASE_TEXT);
          break;
        }
        case "work_ext": {
          const req = backward(rng, dueAt - rng.int(1, 3) * DAY);
          progress(a, req, tpl.steps.slice(0, 1));
          const newDue = dueOn(addDays(R, rng.int(45, 55)));
          add("extension_requested", req, lead.head, rng.pick(D.EXTENSION_REASONS), { requestedDue: newDue, currentDue: dueAt });
          add("extension_approved", forward(rng, req + rng.int(4, 30) * HOUR), approver, undefined, { from: dueAt, to: newDue });
          progress(req + DAY, now, tpl.steps.slice(1));
          dueAt = newDue;
          break;
        }
        case "work_extreq": {
          const req = backward(rng, now - rng.int(20, 40) * HOUR);
          progress(a, req, tpl.steps);
          const wanted = dueOn(addDays(R, 75));
          const reason = rng.pick(D.EXTENSION_REASONS);
          add("extension_requested", req, lead.head, reason, { requestedDue: wanted, currentDue: dueAt });
          Object.assign(f, { extRequestedDue: wanted, extReason: reason, extRequestedBy: lead.head, extRequestedAt: req });
          break;
        }
        case "review":
        case "review_rejected": {
          const g = gate();
          Object.assign(f, g, { outcome: "closed" });
          if (scenario === "review_rejected") {
            const first = backward(rng, now - rng.int(5, 7) * DAY);
            progress(a, first, tpl.steps);
            submit(first, g, "closed", null);
            const rejected = forward(rng, first + rng.int(6, 30) * HOUR);
            add("closure_rejected", rejected, approver, D.REJECT_TEXT);
            add("progress", forward(rng, rejected + rng.int(20, 40) * HOUR), worker(), D.RESUBMIT_PROGRESS);
          } else {
            progress(a, now - 2 * DAY, tpl.steps);
          }
          submit(backward(rng, now - rng.int(4, 40) * HOUR), g, "closed", null);
          break;
        }
        case "closed":
        case "closed_false":
        case "staged":
        case "rebound": {
          let target: number;
          if (scenario === "rebound") target = atLocal(addDays(R, rng.int(8, 11)), rng.int(9, 16));
          else if (s.source === "central" && s.lateClosure) target = Math.min(dueAt + rng.int(1, 4) * DAY, now - 3 * DAY);
          else if (s.source === "central") target = a + (dueAt - a) * (0.35 + 0.5 * rng.next());
          else if (s.source === "hotline" || scenario === "closed_false") target = a + rng.int(2, 4) * DAY;
          else target = a + rng.int(3, 6) * DAY;
          const submitted = forward(rng, target);
          progress(a, submitted, scenario === "closed_false" ? [] : tpl.steps);
          const g = gate();
          const outcome = scenario === "staged" ? "staged" : "closed";
          const milestoneAt = scenario === "staged" ? dueOn(addDays(ymdOf(now), rng.int(20, 80))) : null;
          submit(submitted, g, outcome, milestoneAt);
          const approval = forward(rng, submitted + rng.int(4, 40) * HOUR);
          const closed = approval < now - 2 * HOUR ? approval : submitted + rng.int(30, 90) * MIN;
          add("closure_approved", closed, approver, outcome === "staged" ? "阶段性办结" : "已办结");
          Object.assign(f, g, { outcome, milestoneAt });
          // Patrols against a rebound at +7 and +30 days (policy); staged cases follow their milestones instead.
          if (outcome === "closed") {
            for (const days of [7, 30]) {
              const t = forward(rng, closed + days * DAY + rng.int(-120, 120) * MIN);
              if (t < now - 6 * HOUR && (scenario !== "rebound" || days === 7)) add("patrol_ok", t, rng.chance(0.5) ? s.dispatcher : (worker()), rng.pick(D.PATROL_OK_TEXTS));
            }
          }
          if (scenario === "rebound") {
            const back = backward(rng, now - rng.int(3, 4) * DAY);
            dueAt = dueOn(addDays(ymdOf(back), 10));
            add("rebound", back, s.dispatcher, D.REBOUND_TEXT, { count: 1, dueAt });
            add("flagged", forward(rng, back + rng.int(2, 6) * HOUR), s.leader ?? D.LEADER_IN_CHARGE);
            add("progress", forward(rng, back + rng.int(20, 30) * HOUR), worker(), D.REBOUND_PROGRESS);
            Object.assign(f, { reboundCount: 1, outcome: null, milestoneAt: null });
          }
          break;
        }
      }
    }
  }
  if (s.flagged && scenario !== "rebound") add("flagged", forward(rng, (scenario === "work_late" && s.source === "central" ? dueAt : created) + rng.int(20, 30) * HOUR), s.leader ?? D.LEADER_IN_CHARGE);

  // -- order the timeline, keep it strictly increasing and in the past, then derive the time fields
  evs.sort((x, y) => x.at - y.at);
  for (let i = 1; i < evs.length; i++) if (evs[i].at <= evs[i - 1].at) evs[i].at = evs[i - 1].at + rng.int(3, 25) * MIN;
  let limit = now - MIN;
  for (let i = evs.length - 1; i >= 0; i--) {
    if (evs[i].at > limit) evs[i].at = limit;
    limit = evs[i].at - MIN;
  }
  const last = (kind: EventKind) => [...evs].reverse().find((e) => e.kind === kind)?.at ?? null;
  const acked = state !== "pending_ack" && state !== "returned" && state !== "cancelled";
  const token = newToken();

  // Handling rounds from the timeline (spec §2.2): a 驳回 or a 反弹 ends a round, keeping its four items; each 办结
  // submission brought an after-photo in its round (none needed for 不属实).
  const items = Object.fromEntries(GATE_COLUMNS.map((k) => [k, f[k] ?? null]));
  const rounds: RoundDraft[] = [];
  const photos: PhotoDraft[] = [];
  let round = 1;
  let roundReason: RoundReason = "dispatch";
  let roundStartedAt = evs[0].at;
  for (const e of evs) {
    if (e.kind === "closure_submitted" && f.verdict !== "不属实") photos.push({ at: e.at, by: e.actor, round });
    if (e.kind === "closure_rejected" || e.kind === "rebound") {
      rounds.push({ round, reason: roundReason, startedAt: roundStartedAt, endedAt: e.at, unitId: unitIdSql(s.leadName), items });
      round++;
      roundReason = e.kind === "rebound" ? "rebound" : "rejected";
      roundStartedAt = e.at;
    }
  }
  if (roundReason === "rebound") for (const k of GATE_COLUMNS) f[k] = null; // the reopened round starts empty

  const row: SQLiteInsertValue<typeof cases> = {
    externalNo,
    source: s.source === "central" ? "中央督察" : s.source === "provincial" ? "省督察" : "12345",
    batchId: s.batchName ? batchIdSql(s.batchName) : undefined,
    title,
    content,
    address: vars.addr,
    area: D.AREA,
    pollutionTypes: tpl.types,
    categories: tpl.categories,
    leadUnitId: unitIdSql(s.leadName),
    coUnitIds: coJson(s.co),
    officerUserId: acked ? (who.officer ?? undefined) : undefined,
    leaderUserId: s.leader ?? undefined,
    priority: s.priority,
    flagged: s.flagged,
    state,
    ackBy,
    dueAt,
    acknowledgedAt: acked ? (last("acknowledged") ?? undefined) : undefined,
    acknowledgedBy: acked ? (who.ackActor ?? undefined) : undefined,
    returnCount: f.returnCount ?? 0,
    designated: false,
    extRequestedDue: f.extRequestedDue ?? undefined,
    extReason: f.extReason ?? undefined,
    extRequestedBy: f.extRequestedBy ?? undefined,
    extRequestedAt: f.extRequestedDue ? (last("extension_requested") ?? undefined) : undefined,
    finding: f.finding ?? undefined,
    verdict: f.verdict ?? undefined,
    rectification: f.rectification ?? undefined,
    handlingClass: f.handlingClass ?? undefined,
    accountableParty: f.accountableParty ?? undefined,
    accountabilityAction: f.accountabilityAction ?? undefined,
    penaltyAmount: f.penaltyAmount ?? undefined,
    callbackResult: f.callbackResult ?? undefined,
    callbackNote: f.callbackNote ?? undefined,
    outcome: state === "closed" || state === "pending_review" ? (f.outcome ?? undefined) : undefined,
    milestoneAt: state === "closed" ? (f.milestoneAt ?? undefined) : undefined,
    submittedAt: state === "closed" || state === "pending_review" ? (last("closure_submitted") ?? undefined) : undefined,
    closedAt: state === "closed" ? (last("closure_approved") ?? undefined) : undefined,
    reboundCount: f.reboundCount ?? 0,
    lastChasedAt: last("chased") ?? undefined,
    cancelReason: f.cancelReason ?? undefined,
    createdBy: s.dispatcher,
    createdAt: evs[0].at,
    updatedAt: evs[evs.length - 1].at,
    version: evs.length, // every recorded change bumped the version once
    writeToken: token,
    demo: true,
    round,
    roundReason,
    roundStartedAt: round > 1 ? roundStartedAt : undefined,
  };
  return { token, row, events: evs, photos, rounds };
}

function coJson(names: string[]): SQL {
  return names.length ? sql`json_array(${sql.join(names.map(unitIdSql), sql`, `)})` : sql`'[]'`;
}

/** An officer of a co-unit, by unit name (for co-unit notes). */
function unitOfficer(unitName: string, s: CaseSpec, rng: Rng): string {
  const staff = D.STAFF.find((u) => u.unit === unitName);
  return staff ? rng.pick(staff.officers)[0] : s.dispatcher;
}
