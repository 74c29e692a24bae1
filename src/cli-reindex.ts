/**
 * `duban reindex [--only <table>]`: rebuild every table derived from cases and events (src/db/derived.ts). Progress
 * is one updating line on a terminal and plain lines (every 10 %) when the output is a file or a pipe.
 */
import type { Db } from "./db/types.js";
import { DERIVED, rebuildDerived, type Derived } from "./db/derived.js";

type Out = { write: (s: string) => unknown; isTTY?: boolean };

/** A progress printer: `\r`-rewritten line on a TTY, otherwise a line per 10 % step (and the first/last). */
export function progressPrinter(out: Out) {
  let lastStep = -1;
  let lastDraw = 0;
  const label = (d: { zh: string; tables: string[] }) => `${d.zh} (${d.tables.join(", ")})`;
  const count = (done: number, total: number) => (total > 0 ? `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor((100 * done) / total)}%)` : done.toLocaleString("en-US"));
  return {
    start(d: Derived) {
      lastStep = -1;
      if (!out.isTTY) out.write(`重建 ${label(d)} …\n`);
    },
    progress(d: Derived, done: number, total: number) {
      if (out.isTTY) {
        const t = performance.now();
        if (t - lastDraw < 100 && done < total) return; // redraw at most 10 times a second
        lastDraw = t;
        out.write(`\r\x1b[K重建 ${label(d)}：${count(done, total)}`);
        return;
      }
      const step = total > 0 ? Math.floor((10 * done) / total) : -1;
      if (step <= lastStep) return;
      lastStep = step;
      out.write(`  ${label(d)}：${count(done, total)}\n`);
    },
    done(r: { tables: string[]; zh: string; ms: number }) {
      out.write(`${out.isTTY ? "\r\x1b[K" : ""}已重建 ${label(r)}，用时 ${(r.ms / 1000).toFixed(1)} s\n`);
    },
  };
}

export async function reindexCommand(db: Db, only: string[], out: Out = process.stdout, registry: readonly Derived[] = DERIVED): Promise<number> {
  if (!registry.length) {
    out.write("没有需要重建的派生表。No derived tables to rebuild.\n");
    return 0;
  }
  const p = progressPrinter(out);
  await rebuildDerived(db, { only, now: () => performance.now(), onStart: p.start, onProgress: p.progress, onDone: p.done }, registry);
  return 0;
}
