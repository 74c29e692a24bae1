/** Writes one benchmark's section into docs/performance.md between its markers, leaving the others alone. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

const FILE = join(new URL("..", import.meta.url).pathname, "docs/performance.md");
const HEAD = "# Performance\n\nFigures are written by the benchmarks in `bench/`; rerun one to refresh its section. CI never gates on timing.\n";

export const machine = () =>
  `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

export function writeSection(name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  let doc = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEAD;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + section + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, doc);
}

export const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : "–");
