/**
 * Repeat complaints at city scale (issue 13 item 4): one new complaint matched against a file of ~1 M cases
 * (goal ≤ 50 ms p95 per lookup), and the import preview of a 5,000-row list with matching (goal ≤ 10 s).
 *
 *   npx tsx bench/similar.ts --file /path/to/city.db [--lookups 100] [--rows 5000] [--no-write]
 *
 * The file is one grown by bench/scale-grow.ts (`npm run bench:scale -- --keep <file>`); use a copy, the bench
 * migrates it and builds the trigram index (`duban reindex --only search`) if it is empty. Complaints are written
 * the way people write them again: a stored case's address and site in other words (号 → 号院, 某 → 那家, other
 * framing), places the file has never seen, and texts without an address. Figures go to docs/performance.md.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { fmt, machine, writeSection } from "./report.js";
import { migrateNodeDb, openNodeDb } from "../src/db/open-node.js";
import { rebuildCaseSearch } from "../src/db/case-search.js";
import { findSimilar } from "../src/db/similar-cases.js";
import { prepare } from "../src/domain/repeat-match.js";
import { importMatches } from "../src/handlers/import-matches.js";
import { previewImport } from "../src/handlers/import-cases.js";
import { handlerCtx } from "../src/handlers/run.js";
import { testDeps } from "../test/helpers/fixture.js";

const { values } = parseArgs({ options: { file: { type: "string" }, lookups: { type: "string", default: "100" }, rows: { type: "string", default: "5000" }, "no-write": { type: "boolean" } } });
if (!values.file || !existsSync(values.file)) {
  console.error("usage: npx tsx bench/similar.ts --file <copy of a grown city file> (npm run bench:scale -- --keep <file> grows one)");
  process.exit(2);
}
const LOOKUPS = Number(values.lookups);
const ROWS = Number(values.rows);
const log = (s: string) => console.error(`[similar] ${s}`);

/** A small deterministic generator, so every run asks the same questions. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const rand = rng(13);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

type Stored = { id: number; title: string; address: string | null; area: string | null; content: string; pollution_types: string };
const FRAMES = ["反映{a}那边{t}的问题还是没解决，晚上尤其明显", "{a}旁边{t}，又来了，附近住户受不了", "市民来电：{t}，位置在{a}，已经投诉过好几次", "{t}（{a}），请尽快查处"];
const NEW_ROADS = ["凤凰山北路", "白鹭湾路", "青龙湖东路", "锦城湖路", "石羊场路", "龙腾中路"];
const KINDS = ["养殖场", "搅拌站", "汽修厂", "KTV", "石材厂", "烧烤店", "洗车场", "菜市场"];
const PROBLEMS = ["粪污直排", "夜间噪声扰民", "油烟直排", "扬尘污染", "异味刺鼻", "污水横流"];
const TEXT_ONLY = ["小区楼下{k}每晚{p}，窗户都不敢开", "我家对面的{k}{p}好几个月了", "河边那个{k}{p}，鱼都死了"];

/** A stored case's complaint written again: its address (号 → 号院 half the time) and its title with 某 → 那家. */
const rewrite = (c: Stored) => {
  const a = (c.address ?? "").replace(/号$/, rand() < 0.5 ? "号院" : "号");
  return pick(FRAMES).replace("{a}", a).replace("{t}", c.title.replace(/^某/, "那家"));
};
const unrelated = () => `${pick(NEW_ROADS)}${1 + Math.floor(rand() * 300)}号${pick(KINDS)}${pick(PROBLEMS)}`;
const textOnly = () => pick(TEXT_ONLY).replace("{k}", pick(KINDS)).replace("{p}", pick(PROBLEMS));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] ?? NaN;

async function main() {
  const store = await openNodeDb(`file:${values.file}`);
  const db = store.db;
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-similar-"));
  try {
    await migrateNodeDb(db);
    const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from cases`);
    const indexed = await db.all(sql`select rowid from case_search limit 1`);
    if (!indexed.length) {
      log("case_search is empty: building it (duban reindex --only search) …");
      await rebuildCaseSearch(db);
    }
    const [{ top }] = await db.all<{ top: number }>(sql`select max(id) as top from cases`);
    const sample = async (k: number): Promise<Stored[]> => {
      const ids = Array.from({ length: k }, () => 1 + Math.floor(rand() * Number(top)));
      return db.all<Stored>(sql`select id, title, address, area, content, pollution_types from cases where id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) and address is not null`);
    };

    // Single lookups, as 交办 makes them. A warm-up first: the page cache, as on a server that has been running.
    for (const c of await sample(20)) await findSimilar(db, { content: rewrite(c) });
    const kinds = { repeat: [] as number[], unrelated: [] as number[], textOnly: [] as number[] };
    let sameAddress = 0;
    let repeats = 0;
    let missTypeConflict = 0;
    let falseHits = 0;
    let candidates = 0;
    for (const c of await sample(LOOKUPS)) {
      const t0 = performance.now();
      const text = rewrite(c);
      const found = await findSimilar(db, { content: text });
      kinds.repeat.push(performance.now() - t0);
      repeats++;
      if (found.some((f) => f.address === c.address)) sameAddress++;
      else {
        // The grown file draws 污染类型 independently of the words: a stored type that is not the one the words
        // name is a type conflict, which rules a pair out by design.
        const named = prepare({ content: text }).types;
        const stored = JSON.parse(c.pollution_types ?? "[]") as string[];
        if (named.length && !named.some((t) => stored.includes(t))) missTypeConflict++;
      }
    }
    for (let i = 0; i < LOOKUPS; i++) {
      const t0 = performance.now();
      const found = await findSimilar(db, { content: unrelated() });
      kinds.unrelated.push(performance.now() - t0);
      if (found.length) falseHits++;
    }
    for (let i = 0; i < LOOKUPS; i++) {
      const t0 = performance.now();
      candidates += (await findSimilar(db, { content: textOnly() })).length;
      kinds.textOnly.push(performance.now() - t0);
    }
    const all = [...kinds.repeat, ...kinds.unrelated, ...kinds.textOnly];
    log(`lookups: p50 ${fmt(pct(all, 0.5))} ms, p95 ${fmt(pct(all, 0.95))} ms, max ${fmt(Math.max(...all))} ms; same address found ${sameAddress}/${repeats}; unrelated with a suggestion ${falseHits}/${LOOKUPS}`);

    // Import preview of a ROWS-row list: 40 % stored cases written again, 10 % rows repeating another row of the
    // list, 50 % new places. previewImport reads and checks the rows; importMatches adds the repeats.
    const units = await db.all<{ name: string }>(sql`select name from units where kind = 'street' limit 20`);
    const stored = await sample(Math.ceil(ROWS * 0.45));
    const contents: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const r = rand();
      contents.push(r < 0.4 && stored.length ? rewrite(stored[i % stored.length]) : r < 0.5 && contents.length ? `又一次反映：${contents[Math.floor(rand() * contents.length)]}` : unrelated());
    }
    const header = ["受理编号", "交办问题基本情况", "来电/来信", "交办日期/批次", "责任单位"];
    const table = [header, ...contents.map((c, i) => [`BENCH${String(i).padStart(8, "0")}`, c, "来电", "2026-12-01", pick(units).name])];
    const deps = await testDeps(db, dir, () => Date.parse("2026-12-02T02:00:00Z"));
    const ctx = handlerCtx({ deps, actor: { userId: "bench", name: "bench", unitId: null, roles: ["dispatcher"] }, source: "web" });
    const rss0 = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const preview = await previewImport({ ctx, input: { sheets: [{ name: "bench", rows: table }], source: "中央督察", fileName: "bench.csv", sha256: "0".repeat(64) } });
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    const matches = await importMatches(ctx, preview.fresh);
    const t2 = performance.now();
    const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
    const [readCpu, matchCpu] = [cpuMs(cpu0, cpu1), cpuMs(cpu1, process.cpuUsage())];
    const rssGrowth = (process.memoryUsage().rss - rss0) / 2 ** 20;
    const withEarlier = [...matches.values()].filter((m) => m.earlier.length).length;
    const withInList = [...matches.values()].filter((m) => m.inList.length).length;
    log(`import preview of ${preview.fresh.length} rows: read ${fmt(t1 - t0)} ms (cpu ${fmt(readCpu)}), matching ${fmt(t2 - t1)} ms (cpu ${fmt(matchCpu)}); ${withEarlier} rows with earlier cases, ${withInList} with rows of the list; errors ${preview.plan.errors.length}`);
    if (values["no-write"]) return;

    writeSection(
      "similar",
      `## Repeat complaints at city scale (\`bench/similar.ts\`)

Measured ${machine()} (load average ${loadavg()[0].toFixed(1)} while it ran: other work shared the CPU), on a copy of
the grown city file: ${Number(n).toLocaleString("en")} cases (bench/scale-grow.ts: template complaints on a few dozen roads, so
every address holds ~100 cases — denser than a real district, which makes the place pools fuller than they would be).
In process, warm page cache (20 lookups first), embedded libSQL file.

| lookup (\`findSimilar\`, ${LOOKUPS} each) | p50 ms | p95 ms | max ms |
|---|---:|---:|---:|
| a stored case written again (address and site in other words) | ${fmt(pct(kinds.repeat, 0.5))} | ${fmt(pct(kinds.repeat, 0.95))} | ${fmt(Math.max(...kinds.repeat))} |
| a place the file has never seen | ${fmt(pct(kinds.unrelated, 0.5))} | ${fmt(pct(kinds.unrelated, 0.95))} | ${fmt(Math.max(...kinds.unrelated))} |
| no address, words only | ${fmt(pct(kinds.textOnly, 0.5))} | ${fmt(pct(kinds.textOnly, 0.95))} | ${fmt(Math.max(...kinds.textOnly))} |
| **all** (goal ≤ 50 ms p95) | **${fmt(pct(all, 0.5))}** | **${fmt(pct(all, 0.95))}** | ${fmt(Math.max(...all))} |

A suggestion at the stored case's address came back for ${sameAddress} of ${repeats} rewritten complaints; of the
${repeats - sameAddress} others, ${missTypeConflict} are an artefact of the grown file, which draws 污染类型 independently of the words: the
stored type is not the one the words name, a type conflict that rules the pair out by design (the rest: places the
parser reads wrongly, e.g. 一环路北三段, 羊西线). ${falseHits} of ${LOOKUPS} complaints about unseen places got any suggestion.

Import preview of a ${ROWS.toLocaleString("en")}-row list (40 % stored cases written again, 10 % repeating another row, the
rest new places; the file's 500 units as 责任单位):

| step | wall s | CPU s (this process) |
|---|---:|---:|
| reading and checking the rows (\`previewImport\`) | ${fmt((t1 - t0) / 1000)} | ${fmt(readCpu / 1000)} |
| matching every new row (\`importMatches\`: earlier cases, one cache for the list; same-list pairs by place blocks) | ${fmt((t2 - t1) / 1000)} | ${fmt(matchCpu / 1000)} |
| **total** (goal ≤ 10 s; the page's rendering not included) | **${fmt((t2 - t0) / 1000)}** | ${fmt((readCpu + matchCpu) / 1000)} |

libsql runs each statement synchronously in this process, so CPU time is the work itself and wall time adds the
waiting for a CPU on the shared host. RSS grew ${fmt(rssGrowth)} MB. ${withEarlier.toLocaleString("en")} rows were shown earlier cases and
${withInList.toLocaleString("en")} rows were flagged to another row of the list (the generated new places share few roads and kinds, so most
rows have a same-road, same-kind neighbour). Of the reading step most is matching 责任单位 against 500 unit names
(\`matchUnit\` folds every unit name again for every row), outside the repeat matching.

Method. Candidates come from the FTS5 trigram index only, every query newest first with a LIMIT (the place's
names 100, road + house number 50, road 50, each of up to 8 of the text's trigrams 100, counted, best 50; an import
uses 40 / 25 / 25 / 50 per trigram and keeps every query's hits and every parsed candidate for the whole list), then
the candidates' rows by id: never a scan of \`cases\`, at most ~250 rows scored per lookup. The first version
ranked the text query by bm25, whose IDF pass reads every row holding each trigram: 0.4–0.9 s per lookup on this
file; newest-first lets FTS5 stop at the LIMIT. Precision and recall on the labelled pairs are unchanged
(0.987 / 0.981, test/node/similar-cases.test.ts).`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
