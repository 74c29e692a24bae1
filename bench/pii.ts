/**
 * Benchmark: maskPii on what it meets — a log line, a long complaint with numbers in it, and adversarial input
 * (a megabyte of digits and separators) — since the logger, every group message and every audit row pass through it.
 *
 *   npx tsx bench/pii.ts [--seconds 2]
 *
 * Prints per-input throughput; the adversarial cases show the scan stays linear (no backtracking blow-up).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { maskPii, stripPii } from "../src/domain/pii.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "2" } } });
const SECONDS = Number(values.seconds);

const complaint = Array.from({ length: 20 }, (_, i) => `群众反映金牛大道${i + 1}号烧烤店油烟扰民，来电人李四${i}电话138-1234-${String(5000 + i)}，身份证510106 19800101 123X。`).join("");
const inputs: [string, string][] = [
  ["log line (200 chars)", `{"level":"info","msg":"command handled","text":"交办 李四138-1234-5678投诉噪声 给 荷花池街道","ms":12,"case":81,"at":"2026-12-20T09:30:00Z"}`.padEnd(200, " ")],
  [`complaint with 60 numbers and names (${complaint.length} chars)`, complaint],
  ["1 MB of '1 ' (one long run of tiny groups)", "1 ".repeat(512 * 1024)],
  ["1 MB of digits (one group)", "8".repeat(1024 * 1024)],
  ["1 MB of '1381234 ' (long run of 7-digit groups)", "1381234 ".repeat(128 * 1024)],
  ["1 MB of 举报人 markers", "举报人李".repeat(256 * 1024)],
];

for (const [label, text] of inputs) {
  for (const [name, f] of [["maskPii", maskPii], ["stripPii", (s: string) => stripPii(s)]] as const) {
    let n = 0;
    let worst = 0;
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      f(text);
      worst = Math.max(worst, performance.now() - t);
      n++;
    }
    const mbPerS = (n * text.length) / SECONDS / 1e6;
    console.log(`${name.padEnd(8)} ${label.padEnd(52)} ${String(n).padStart(8)} calls  ${mbPerS.toFixed(2).padStart(8)} M chars/s  worst ${worst.toFixed(2)} ms`);
  }
}
