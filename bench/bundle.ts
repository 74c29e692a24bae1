/**
 * The Worker bundle's size (issue 14: goal ≤ 350 KiB gzip) and what it is made of: wrangler's own dry-run build,
 * minified, with esbuild's metafile for the per-package split.
 *
 *   npx tsx bench/bundle.ts
 *
 * Writes its figures and method into docs/performance.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { machine, writeSection } from "./report.js";

const ROOT = new URL("..", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "duban-bundle-"));
try {
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--minify", "--outdir", out, "--metafile", join(out, "meta.json")], { cwd: ROOT, stdio: "ignore" });
  const js = readFileSync(join(out, "worker.js"));
  const gz = gzipSync(js).length;
  const lazy = readFileSync(join(out, "web/charts/echarts.lazy.mjs"));
  const meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")) as { outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }> };
  const inputs = Object.entries(meta.outputs).find(([k]) => k.endsWith("worker.js"))![1].inputs!;
  const by = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : `our ${file.split("/").slice(0, 2).join("/")}`;
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const body = `## Worker bundle (\`bench/bundle.ts\`)

${machine()}. \`wrangler deploy --dry-run --minify\` of \`src/runtime/worker.ts\`, gzip level 6 of each output file.

**Main module: ${kib(js.length)} minified, ${kib(gz)} gzip** (goal ≤ 350 KiB gzip). ECharts, uploaded beside it as
\`web/charts/echarts.lazy.mjs\` and loaded only by pages that draw charts: ${kib(lazy.length)} minified,
${kib(gzipSync(lazy).length)} gzip. Workers' limit for the whole upload is 3 MiB free / 10 MiB paid (compressed).

| package or folder | minified, in the bundle |
|---|---|
${top.map(([k, v]) => `| ${k} | ${kib(v)} |`).join("\n")}

Before this issue the one bundle was 599 KiB gzip. zod is now imported as \`import * as z from "zod/v4"\` and its
Chinese locale by its own entry point, so the bundler keeps only what we call (before: 460 KiB of zod minified, all 64
locales). ECharts (566 KiB minified with zrender) is prebuilt by \`scripts/build-charts.mjs\` into a module that
wrangler uploads separately (\`rules\` in wrangler.toml) and the overview imports on first use.`;
  writeSection("bundle", body);
  console.log(body);
} finally {
  rmSync(out, { recursive: true, force: true });
}
