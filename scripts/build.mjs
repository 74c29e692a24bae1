#!/usr/bin/env node
/**
 * `npm run build`: the Node server and CLI as compiled JavaScript (dist/node/, with esbuild) and the Worker bundle
 * (dist/worker/, with wrangler's dry run, gzip size printed). bin/duban.js calls buildNode() itself when src/ is
 * newer than dist/node, so `npm start` always runs compiled code.
 *
 * Dependencies are bundled too (resolving thousands of small files cost seconds at every start); only @libsql's
 * native client stays external. dist/node/cli.js sits two levels below the root, so `../../drizzle` still finds the
 * migrations from the bundle as it does from src/db/.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const NODE_OUT = `${ROOT}dist/node`;

/** Bundle src/cli.ts (everything) and src/cli-help.ts (help only, loads in milliseconds) into dist/node. */
export async function buildNode() {
  const { build } = await import("esbuild");
  const tmp = `${NODE_OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: "src/cli.ts", help: "src/cli-help.ts", "db-thread": "src/db/db-thread.ts" },
    outdir: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external: ["@libsql/client", "libsql"],
    // CommonJS packages inside an ESM bundle still call require().
    banner: { js: "import { createRequire as __dubanRequire } from 'node:module'; const require = __dubanRequire(import.meta.url);" },
    logLevel: "warning",
  });
  mkdirSync(NODE_OUT, { recursive: true });
  // Rename file by file: a concurrent start never sees a half-written bundle.
  for (const f of ["help.js", "db-thread.js", "cli.js"]) renameSync(`${tmp}/${f}`, `${NODE_OUT}/${f}`);
  rmSync(tmp, { recursive: true, force: true });
}

async function buildWorker() {
  const { execFileSync } = await import("node:child_process");
  const { gzipSync } = await import("node:zlib");
  const { readFileSync, readdirSync } = await import("node:fs");
  execFileSync(`${ROOT}node_modules/.bin/wrangler`, ["deploy", "--dry-run", "--outdir", "dist/worker", "--minify"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const js = readdirSync(`${ROOT}dist/worker`).filter((f) => f.endsWith(".js"));
  const bytes = js.reduce((n, f) => n + gzipSync(readFileSync(`${ROOT}dist/worker/${f}`)).length, 0);
  console.log(`dist/worker: ${js.join(", ")} — ${(bytes / 1024).toFixed(0)} KiB gzip`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildNode();
  console.log("dist/node: cli.js, help.js");
  if (!process.argv.includes("--node-only")) await buildWorker();
}
