/**
 * Grows a libSQL file to a city's shape BY SQL (issue 12): the project's own migrations, then units, people and groups,
 * then cases and their timelines with INSERT … SELECT over a recursive CTE, in chunks. Triggers on cases and
 * case_events are dropped while loading and put back afterwards, so the derived tables (statistics, search index)
 * are left to `duban reindex` — exactly the state of a bulk load by SQL or a restore of the source tables.
 *
 * Values are a deterministic hash of the case number, so two runs grow the same file.
 */
import { createClient, type Client } from "@libsql/client";
import { migrateNodeDb, openNodeDb } from "../src/db/open-node.js";
import { seedCalendar } from "../src/db/calendar-seed.js";

/** 08:00 Beijing on a Wednesday: every case was received before it; the measured morning is 08:30. */
export const T_END = Date.parse("2026-12-02T08:00:00+08:00");
const DAY = 86_400_000;
const SPAN = 3 * 365 * DAY;
export const BIG_UNIT = 1; // the unit holding ~10 % of the open cases (10 k at full size)

export type Shape = { cases: number; open: number; units: number; people: number; groups: number; events: number; bigUnitOpen: number; ms: number };

const DISTRICTS = ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区", "郫都区", "新津区"];
const STREET_STEMS = ["春熙", "盐市口", "草市", "府南", "西御", "少城", "光华", "黄田坝", "苏坡", "金沙", "营门口", "抚琴", "茶店子", "沙河源", "簇桥", "红牌楼", "玉林", "浆洗街", "跳蹬河", "猛追湾", "双桥子", "万年场", "龙泉", "大面", "十陵", "大弯", "弥牟", "新都", "大丰", "三河", "柳城", "涌泉", "东升", "华阳", "九江", "犀浦", "红光", "安德", "五津", "花源", "天府", "石羊"];
const DEPTS = ["生态环境局", "住建局", "城管局", "市场监管局", "交通运输局", "公安局", "水务局", "农业农村局", "自然资源局", "卫健委"];
const ROADS = ["人民北路", "蜀汉路", "金泉路", "西华大道", "一环路北三段", "二环路西一段", "天府大道", "建设路", "玉林南路", "科华北路", "高升桥路", "太升南路", "青龙街", "草堂路", "光华大道", "羊西线", "成温路", "川陕路", "龙泉大道", "三环路东二段"];
const BIZ = ["餐饮店", "汽修厂", "建筑工地", "洗车场", "化工厂", "养殖场", "KTV", "小区", "加工厂", "物流园", "搅拌站", "家具厂"];
const ISSUES: [string, string][] = [["油烟扰民", "大气"], ["噪声扰民", "噪声"], ["粉尘污染", "大气"], ["污水直排", "水"], ["异味扰民", "大气"], ["夜间施工", "噪声"], ["露天焚烧", "大气"], ["渣土遗撒", "其他"], ["危废乱倒", "土壤"], ["毁林占地", "生态"]];
const SOURCES: [string, number][] = [["中央督察", 5], ["省督察", 10], ["回头看", 12], ["强化督查", 15], ["12345", 60], ["12369", 80], ["巡查自查", 95], ["领导交办", 100]];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "秀英", "建华", "志强", "海燕"];

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const jsonArr = (xs: string[]) => lit(JSON.stringify(xs));
/** A pseudo-random 0…m-1 from the row number `i` and a salt: the middle bits of a multiplicative hash. */
const h = (salt: number, m: number) => `((((i + ${salt * 7_919}) * 2654435761) % 4294967296) / 65536 % ${m})`;
const pick = (xs: string[], salt: number) => `json_extract(${jsonArr(xs)}, '$[' || ${h(salt, xs.length)} || ']')`;

export function unitNames(n: number): { name: string; kind: "street" | "department" }[] {
  const out: { name: string; kind: "street" | "department" }[] = [];
  for (const d of DISTRICTS) for (const dept of DEPTS) out.push({ name: `${d}${dept}`, kind: "department" });
  for (let k = 0; out.length < n; k++) {
    out.push({ name: `${DISTRICTS[k % DISTRICTS.length]}${STREET_STEMS[Math.floor(k / DISTRICTS.length) % STREET_STEMS.length]}${k >= DISTRICTS.length * STREET_STEMS.length ? Math.floor(k / (DISTRICTS.length * STREET_STEMS.length)) + 1 : ""}街道`, kind: "street" });
  }
  // The big unit first (id 1): a street, as the busiest units are.
  const streets = out.filter((u) => u.kind === "street");
  return [...streets, ...out.filter((u) => u.kind === "department")].slice(0, n);
}

/** Which case numbers are open: the newest 30 % of them, and the rest spread over the year before. */
function openRule(n: number, open: number) {
  const recent = Math.round(open * 0.3);
  const old = open - recent;
  const window = Math.max(old, Math.min(n - recent, Math.round(n / 3)));
  const base = n - recent - window;
  const k = Math.max(1, Math.floor(window / Math.max(1, old)));
  return `(i > ${n - recent} OR (i > ${base} AND (i - ${base}) % ${k} = ${k - 1} AND (i - ${base}) / ${k} < ${old}))`;
}

async function tx(client: Client, stmts: string[]): Promise<void> {
  const t = await client.transaction("write");
  try {
    for (const s of stmts) await t.execute(s);
    await t.commit();
  } finally {
    t.close();
  }
}

async function directory(client: Client, units: number): Promise<number> {
  const names = unitNames(units);
  const stmts: string[] = [];
  const person = (id: string, name: string, unit: number | null, roles: string[]) =>
    `INSERT INTO people (user_id, name, unit_id, roles) VALUES (${lit(id)}, ${lit(name)}, ${unit ?? "NULL"}, ${jsonArr(roles)})`;
  const nameOf = (k: number) => `${SURNAMES[k % SURNAMES.length]}${GIVEN[Math.floor(k / SURNAMES.length) % GIVEN.length]}`;
  names.forEach((u, k) => {
    const id = k + 1;
    stmts.push(`INSERT INTO units (id, name, kind, aliases, head_user_id) VALUES (${id}, ${lit(u.name)}, ${lit(u.kind)}, '[]', 'h${id}')`);
    stmts.push(person(`h${id}`, `${nameOf(2 * k)}`, id, ["unit_head"]), person(`o${id}`, `${nameOf(2 * k + 1)}`, id, ["officer"]));
    stmts.push(`INSERT INTO groups (chat_id, name, purpose, unit_id) VALUES ('wr-u${id}', ${lit(`${u.name}督办群`)}, 'unit', ${id})`);
  });
  stmts.push(person("disp", "调度员", null, ["dispatcher"]), person("lead", "督办领导", null, ["leader"]), person("acct", "问责专员", null, ["accountability"]));
  stmts.push(`INSERT INTO groups (chat_id, name, purpose) VALUES ('wr-cmd', '市督办指挥群', 'command'), ('wr-acct', '问责群', 'accountability')`);
  for (let b = 1; b <= 50; b++) stmts.push(`INSERT INTO batches (id, name, source, received_on) VALUES (${b}, '中央第${b}批交办', '中央督察', '2024-01-01')`);
  await tx(client, stmts);
  return names.length * 2 + 3;
}

function caseInsert(a: number, b: number, n: number, open: number, units: number): string {
  const src = `CASE ${SOURCES.map(([s, upto]) => `WHEN ${h(1, 100)} < ${upto} THEN ${lit(s)}`).join(" ")} END`;
  const issueIdx = h(8, ISSUES.length);
  const issue = `json_extract(${jsonArr(ISSUES.map((x) => x[0]))}, '$[' || ${issueIdx} || ']')`;
  const ptype = `json_extract(${jsonArr(ISSUES.map((x) => x[1]))}, '$[' || ${issueIdx} || ']')`;
  return `WITH RECURSIVE s(i) AS (SELECT ${a} UNION ALL SELECT i + 1 FROM s WHERE i < ${b}),
f AS (SELECT i, ${openRule(n, open)} AS o, ${T_END - SPAN} + (i - 1) * ${SPAN} / ${n} AS t FROM s),
g AS (SELECT i, o, t,
  CASE WHEN o THEN CASE WHEN ${h(3, 100)} < 10 THEN 'pending_ack' WHEN ${h(3, 100)} < 80 THEN 'in_progress' WHEN ${h(3, 100)} < 92 THEN 'pending_review' ELSE 'returned' END
       ELSE CASE WHEN ${h(4, 100)} < 2 THEN 'cancelled' ELSE 'closed' END END AS st,
  CASE WHEN ${h(5, 10)} = 0 AND (o OR ${h(11, 50)} = 0) THEN ${BIG_UNIT} ELSE ${units > 1 ? `2 + ${h(6, units - 1)}` : BIG_UNIT} END AS u,
  ${src} AS src, ${pick(BIZ, 7)} AS biz, ${issue} AS iss, ${ptype} AS ptype, ${pick(ROADS, 9)} AS road, ${pick(DISTRICTS, 10)} AS area,
  ${h(12, 25)} AS dd, ${h(13, 100)} AS r
  FROM f),
c AS (SELECT *, t + min(7200000, (${T_END} - t) / 2) AS ackAt, min(t + (2 + dd) * ${DAY} + r * 60000, ${T_END} - 3600000) AS closedAt FROM g)
INSERT INTO cases (id, external_no, source, batch_id, title, content, address, area, pollution_types, lead_unit_id, officer_user_id, priority, flagged, state,
  ack_by, due_at, acknowledged_at, acknowledged_by, return_count, finding, verdict, rectification, handling_class, callback_result, outcome,
  submitted_at, closed_at, rebound_count, cancel_reason, created_by, created_at, updated_at, version, write_token)
SELECT i, 'SL' || printf('%08d', i), src, CASE WHEN src = '中央督察' THEN 1 + i * 50 / (${n} + 1) END,
  '某' || biz || iss, '群众反映' || road || (r * 3 + 1) || '号附近某' || biz || iss || '，影响周边居民生活，请核实处理。', road || (r * 3 + 1) || '号', area,
  json_array(ptype), u, 'o' || u, CASE WHEN r < 3 THEN 'urgent' WHEN r < 5 THEN 'focus' ELSE 'normal' END, r = 99, st,
  t + ${DAY}, t + 15 * ${DAY}, CASE WHEN st != 'pending_ack' THEN ackAt END, CASE WHEN st != 'pending_ack' THEN 'o' || u END, st = 'returned',
  CASE WHEN st = 'closed' THEN '经现场核查，反映问题属实。' END, CASE WHEN st = 'closed' THEN '属实' END,
  CASE WHEN st = 'closed' THEN '已责令整改，现场复查已整改到位。' END, CASE WHEN st = 'closed' THEN '限期整改' END, CASE WHEN st = 'closed' THEN '满意' END,
  CASE WHEN st = 'closed' THEN CASE WHEN r < 5 THEN 'staged' ELSE 'closed' END END,
  CASE WHEN st = 'closed' THEN closedAt - 3600000 WHEN st = 'pending_review' THEN t + (${T_END} - t) * 3 / 4 END,
  CASE WHEN st = 'closed' THEN closedAt END, CASE WHEN st = 'closed' AND r = 50 THEN 1 ELSE 0 END, CASE WHEN st = 'cancelled' THEN '重复交办' END,
  'disp', t, CASE WHEN st = 'closed' THEN closedAt ELSE t END, 1, 'w' || i
FROM c`;
}

function eventInsert(a: number, b: number): string {
  const w = `FROM cases WHERE id BETWEEN ${a} AND ${b}`;
  return `INSERT INTO case_events (case_id, at, actor_user_id, kind, text, data)
SELECT * FROM (
  SELECT id, created_at, created_by, 'created', NULL, NULL ${w}
  UNION ALL SELECT id, acknowledged_at, acknowledged_by, 'acknowledged', NULL, NULL ${w} AND acknowledged_at IS NOT NULL
  UNION ALL SELECT id, created_at + (coalesce(submitted_at, ${T_END}) - created_at) / 2, officer_user_id, 'progress', '已现场核查，正在督促整改。', NULL ${w} AND state IN ('in_progress', 'pending_review', 'closed') AND id % 3 = 0
  UNION ALL SELECT id, created_at + (${T_END} - created_at) / 3, officer_user_id, 'returned', '非本单位职责范围。', NULL ${w} AND state = 'returned'
  UNION ALL SELECT id, submitted_at, officer_user_id, 'closure_submitted', '申请办结。', NULL ${w} AND submitted_at IS NOT NULL
  UNION ALL SELECT id, closed_at, 'lead', 'closure_approved', NULL, NULL ${w} AND state = 'closed'
  UNION ALL SELECT id, created_at + 3600000, 'disp', 'cancelled', cancel_reason, NULL ${w} AND state = 'cancelled'
) ORDER BY 1, 2`;
}

/** Grow `file` (created, migrated) to `n` cases; `onStep` hears each committed chunk. */
export async function grow(file: string, n: number, opts: { units?: number; chunk?: number; onStep?: (done: number) => void } = {}): Promise<Shape> {
  const t0 = performance.now();
  const units = opts.units ?? 500;
  const open = Math.round((n * 100_052) / 1_000_080);
  const chunk = opts.chunk ?? 50_000;
  const store = await openNodeDb(`file:${file}`);
  await migrateNodeDb(store.db);
  await seedCalendar(store.db);
  store.close();
  // A bulk load, not a service: no fsync per chunk (a crash means growing again), a large page cache.
  const client = createClient({ url: `file:${file}` });
  try {
    for (const p of ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA foreign_keys=OFF"]) await client.execute(p);
    const triggers = (await client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('cases', 'case_events')")).rows as unknown as { name: string; sql: string }[];
    for (const t of triggers) await client.execute(`DROP TRIGGER ${t.name}`);
    const people = await directory(client, units);
    for (let a = 1; a <= n; a += chunk) {
      const b = Math.min(n, a + chunk - 1);
      await tx(client, [caseInsert(a, b, n, open, units), eventInsert(a, b)]);
      opts.onStep?.(b);
    }
    await tx(client, triggers.map((t) => t.sql));
    const one = async (q: string) => Number(Object.values((await client.execute(q)).rows[0])[0]);
    const shape: Shape = {
      cases: await one("SELECT count(*) FROM cases"),
      open: await one("SELECT count(*) FROM cases WHERE state IN ('pending_ack','in_progress','pending_review','returned')"),
      units: await one("SELECT count(*) FROM units"),
      people,
      groups: await one("SELECT count(*) FROM groups"),
      events: await one("SELECT count(*) FROM case_events"),
      bigUnitOpen: await one(`SELECT count(*) FROM cases WHERE lead_unit_id = ${BIG_UNIT} AND state IN ('pending_ack','in_progress','pending_review','returned')`),
      ms: 0,
    };
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    return { ...shape, ms: performance.now() - t0 };
  } finally {
    client.close();
  }
}
