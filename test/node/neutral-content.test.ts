/**
 * Nothing below the channel adapters speaks a platform's markup (issue 15): handlers, domain and delivery produce
 * neutral content (src/domain/message.ts) and each channel renders it. Fails on WeCom markup in their code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Folders that must stay platform-neutral (schedules join when they are converted). */
export const NEUTRAL_DIRS = ["src/handlers", "src/domain", "src/delivery", "src/schedules"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Code without comments (comments may name the markup they avoid); URLs inside strings are kept. */
const code = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(?<![:"'`\\])\/\/.*$/gm, "");

/** WeCom markup: <font color>, <@userid> mentions, **bold** (an exponent `a ** b` has spaces on both sides). */
const MARKUP: [string, RegExp][] = [
  ["<font", /<font\b/],
  ["<@mention", /<@/],
  ["**bold**", /\*\*(?![\s=])|(?<![\s*/])\*\*/],
];

export function markupIn(src: string): { rule: string; line: number; text: string }[] {
  const out: { rule: string; line: number; text: string }[] = [];
  code(src)
    .split("\n")
    .forEach((text, i) => {
      for (const [rule, re] of MARKUP) if (re.test(text)) out.push({ rule, line: i + 1, text: text.trim().slice(0, 120) });
    });
  return out;
}

describe("neutral content below the channels (issue 15)", () => {
  it("the detector catches each kind of markup and ignores comments and exponents", () => {
    expect(markupIn('const a = `**${no}** 已签收`;').map((f) => f.rule)).toEqual(["**bold**"]);
    expect(markupIn("const b = '<font color=\"warning\">逾期</font>';").map((f) => f.rule)).toEqual(["<font"]);
    expect(markupIn("const c = `请 <@${u}> 处理`;").map((f) => f.rule)).toEqual(["<@mention"]);
    expect(markupIn("/** Bold is **x** in <font> and <@u> */\nconst d = 2 ** n; // **e**\nconst u = \"https://x.example/a\";")).toEqual([]);
  });

  it.each(NEUTRAL_DIRS)("%s has no WeCom markup", (dir) => {
    const found = files(dir).flatMap((f) => markupIn(readFileSync(f, "utf8")).map((m) => `${f}:${m.line} ${m.rule}: ${m.text}`));
    expect(found).toEqual([]);
  });
});
