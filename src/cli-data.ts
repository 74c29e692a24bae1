/** `duban import`, `duban export` and `duban token`: the dashboard's import/export and API tokens from a shell. */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parseConfig } from "./config.js";
import { createApiToken, listApiTokens, revokeApiToken } from "./db/api-tokens.js";
import { allCases, loadDirectory } from "./db/ledger.js";
import { ROLES, SOURCES, type Role } from "./db/schema.js";
import type { Deps } from "./deps.js";
import { matchUnit } from "./domain/match-unit.js";
import { sha256Hex } from "./files/types.js";
import type { Actor } from "./handlers/context.js";
import { DomainError } from "./handlers/errors.js";
import { importCases, previewImport, type ImportInput } from "./handlers/import-cases.js";
import { buildNodeDeps } from "./runtime/node-build.js";
import { ledgerXlsx } from "./web/excel/export-rows.js";
import { linksOfCases } from "./db/case-links.js";
import { roundsOfCases } from "./db/case-detail.js";
import { commit, insertAudit } from "./db/write.js";
import { readTable, TableReadError } from "./sheets/read.js";
import { handlerCtx, runUseCase } from "./handlers/run.js";
import { toPlain } from "./domain/message.js";

export const DATA_USAGE = `  import <file.xlsx|file.csv> [--source 中央督察] [--yes]
                        check a hand-over list and print per-row errors; with --yes import it (all or nothing;
                        受理编号 already stored are skipped). Sources: ${SOURCES.join(" ")}
  export <file.xlsx>    write the whole ledger in the public disclosure layout (+ our columns)
  token create --name <name> --role <role> [--role <role>] [--unit <unit name>]
                        create an API token for /api/v1 and print it once (only its hash is stored)
  token list            list API tokens (never the tokens themselves)
  token revoke <id>     revoke an API token
`;

/** The operator at the shell acts as the office (audit actor "cli"). */
const CLI_ACTOR: Actor = { userId: "cli", name: "命令行", unitId: null, roles: ["dispatcher"] };

async function withDeps(fn: (deps: Deps) => Promise<number>): Promise<number> {
  const { deps, store, idle } = await buildNodeDeps({ ...parseConfig(process.env), demoSeed: false });
  try {
    return await fn(deps);
  } finally {
    await idle();
    store.close();
  }
}

async function importVerb(deps: Deps, file: string, source: string, yes: boolean): Promise<number> {
  const bytes = new Uint8Array(await readFile(file));
  const input: ImportInput = { sheets: await readTable(bytes), source, fileName: file.split(/[\\/]/).pop() ?? file, sha256: await sha256Hex(bytes) };
  const { plan, fresh, existing } = await previewImport({ ctx: handlerCtx({ deps, actor: CLI_ACTOR, source: "cli" }), input });
  console.log(`工作表「${plan.sheet}」表头第 ${plan.headerLine} 行：可导入 ${fresh.length} 件，已存在 ${existing.length} 件，错误 ${plan.errors.length} 处。`);
  if (plan.missing.length) console.log(`未找到列：${plan.missing.join("、")}（该项留空）`);
  for (const e of plan.errors) console.log(`  第 ${e.line} 行 ${e.column}：${e.message}`);
  if (plan.errors.length) return 1;
  if (!yes) {
    console.log("未写入任何数据。确认无误后加 --yes 导入。");
    return 0;
  }
  const done = await runUseCase({ deps, actor: CLI_ACTOR, source: "cli", action: "cli.import" }, (ctx) => importCases({ ctx, input }));
  console.log(toPlain(done.reply));
  return 0;
}

async function exportVerb(deps: Deps, file: string): Promise<number> {
  const now = deps.clock();
  const [dir, rows, calendar] = await Promise.all([loadDirectory(deps.db), allCases(deps.db, {}, { all: true }, now), deps.calendar()]);
  const bytes = await ledgerXlsx(rows, { dir, calendar, now, rounds: await roundsOfCases(deps.db, rows.map((r) => r.id)), links: await linksOfCases(deps.db, rows.map((r) => r.id)) });
  // Audited like the dashboard's export (issue 16 item 8), before the file is written.
  await commit(deps.db, [insertAudit(deps.db, { at: now, actor: "cli", action: "ledger.export", result: "ok", source: "cli", detail: { format: "xlsx", rows: rows.length, filter: {} } })]);
  await writeFile(file, bytes);
  console.log(`已导出 ${rows.length} 件到 ${file}`);
  return 0;
}

async function tokenVerb(deps: Deps, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: "string" }, role: { type: "string", multiple: true }, unit: { type: "string" } } });
  const [sub, id] = positionals;
  const now = deps.clock();
  if (sub === "create") {
    const roles = (values.role ?? []) as Role[];
    const bad = roles.filter((r) => !ROLES.includes(r));
    if (!values.name || roles.length === 0 || bad.length) {
      console.error(`Give a name and at least one role (${ROLES.join(", ")})${bad.length ? `; unknown: ${bad.join(", ")}` : ""}.`);
      return 2;
    }
    let unitId: number | null = null;
    if (values.unit) {
      const m = matchUnit(values.unit, (await loadDirectory(deps.db)).units);
      if (m.kind !== "one") {
        console.error(`Unit "${values.unit}" ${m.kind === "ambiguous" ? "is ambiguous" : "was not found"}.`);
        return 2;
      }
      unitId = m.unit.id;
    }
    const t = await createApiToken(deps.db, { name: values.name, roles, unitId, createdBy: "cli", now });
    console.log(`API token #${t.id} (${values.name}, ${roles.join("+")}${unitId ? `, unit ${unitId}` : ""}) — shown once, store it now:\n${t.token}`);
    return 0;
  }
  if (sub === "list") {
    for (const t of await listApiTokens(deps.db)) console.log(`#${t.id}\t${t.name}\t${t.roles.join("+")}\t${t.unitId ?? "all units"}\t${t.revokedAt ? "revoked" : "active"}`);
    return 0;
  }
  if (sub === "revoke" && id && /^\d+$/.test(id)) {
    const ok = await revokeApiToken(deps.db, Number(id), "cli", now);
    console.log(ok ? `API token #${id} revoked.` : `No active API token #${id}.`);
    return ok ? 0 : 1;
  }
  console.error(DATA_USAGE);
  return 2;
}

/** Entry from src/cli.ts for the verbs above. */
export async function dataCommand(cmd: "import" | "export" | "token", args: string[]): Promise<number> {
  if (cmd === "token") return withDeps((deps) => tokenVerb(deps, args));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { source: { type: "string" }, yes: { type: "boolean" } } });
  const file = positionals[0];
  if (!file) {
    console.error(DATA_USAGE);
    return 2;
  }
  if (cmd === "export") return withDeps((deps) => exportVerb(deps, file));
  const source = values.source ?? "中央督察";
  try {
    return await withDeps((deps) => importVerb(deps, file, source, values.yes ?? false));
  } catch (e) {
    if (e instanceof TableReadError || e instanceof DomainError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}
