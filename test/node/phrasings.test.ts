/**
 * Issue 11: the parser understands everyday chat. Every row of test/fixtures/phrasings.ts must yield its command
 * (with the case numbers in order) or a clarification offering the commands listed; a clarification never echoes
 * the sender's words cut mid-word.
 */
import { describe, expect, it } from "vitest";
import { parse } from "../../src/bot/parse.js";
import { isParseError, type Command } from "../../src/bot/commands.js";
import { PHRASINGS } from "../fixtures/phrasings.js";

const idsOf = (c: Command): number[] | undefined => {
  if (!("ref" in c)) return undefined;
  const all = [c.ref, ...("more" in c && c.more ? c.more : [])];
  return all.every((r) => r.kind === "id") ? all.map((r) => (r as { id: number }).id) : undefined;
};

describe("everyday phrasings (issue 11)", () => {
  it("has at least 150 rows", () => expect(PHRASINGS.length).toBeGreaterThanOrEqual(150));

  it.each(PHRASINGS)("%j", (text, want) => {
    const got = parse(text, { botNames: ["督办助手"] });
    if ("error" in want) {
      expect(isParseError(got), JSON.stringify(got)).toBe(true);
      if (!isParseError(got)) return;
      expect(got.error).toBe(want.error);
      if (want.suggest) expect(got.suggest).toEqual(want.suggest);
      expect(got.usage).toContain("例如");
      // Never a cut echo: any quoted 「…」 piece of the sender's text is a whole verb-sized word, not a truncated prefix.
      for (const q of got.message.matchAll(/「([^」]*)」/g)) expect(q[1].length <= 6 || text === q[1], q[1]).toBe(true);
      return;
    }
    expect(isParseError(got), JSON.stringify(got)).toBe(false);
    if (isParseError(got)) return;
    const { cmd, ids, ext, ...rest } = want as { cmd: string; ids?: number[]; ext?: string } & Record<string, unknown>;
    expect(got.name).toBe(cmd);
    if (ids) expect(idsOf(got)).toEqual(ids);
    if (ext) expect(got).toMatchObject({ ref: { kind: "external", no: ext } });
    if (!rest.casual && got.name === "acknowledge") expect(got.casual).toBeUndefined();
    expect(got).toMatchObject(rest);
  });
});
