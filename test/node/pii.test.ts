/** R39: no full mobile, landline, ID or card number and no complainant name in any group message, title or audit text. */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { findPii, MAYBE_PII, maskPii, scanPii, stripPii } from "../../src/domain/pii.js";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

const MOBILE = "13812345678";
const ID = "51010619800101123X";
const FULL = /1[3-9]\d{9}|\d{17}[\dXx]/;

// Real-style texts: what people type → what a group may see.
const TABLE: [string, string][] = [
  ["李四138-1234-5678投诉噪声", "李*138-****-5678投诉噪声"],
  ["电话 +86 138 1234 5678", "电话 +86 138 **** 5678"],
  ["0086-13812345678", "0086-138****5678"],
  ["8613812345678", "86138****5678"],
  ["手机：138.1234.5678。", "手机：138.****.5678。"],
  ["１３８－１２３４－５６７８", "１３８－****－５６７８"],
  ["１３８　１２３４　５６７８", "１３８　****　５６７８"],
  ["tel13812345678", "tel138****5678"],
  ["电话028-8765 4321", "电话028-**** 4321"],
  ["(028)87654321", "(028)****4321"],
  ["+86 28 8765 4321", "+86 28 **** 4321"],
  ["电话010-12345678", "电话010-****5678"],
  ["（０２８）８７６５４３２１", "（０２８）****４３２１"],
  ["座机0831-1234567转8", "座机0831-***4567转8"],
  ["电话87654321", "电话****4321"],
  ["身份证510106 19800101 123X", "身份证****** ******** 123X"],
  ["身份证号51010619800101123x。", "身份证号**************123x。"],
  ["旧身份证510106800101123", "旧身份证***********1123"],
  ["身份证51010619800101123…", "身份证*************1123…"], // the stub a truncated title leaves
  ["卡号6222 0212 3456 7890 123", "卡号**** **** **** ***0 123"],
  ["6222-0212-3456-7890", "****-****-****-7890"],
  ["举报人李四反映噪声", "举报人李*反映噪声"],
  ["来电人：王小明，电话13812345678", "来电人：王**，电话138****5678"],
  ["群众张某某反映", "群众张**反映"],
  ["投诉人欧阳娜娜称", "投诉人欧阳**称"],
  ["李四先生多次来电", "李*先生多次来电"],
  ["王小明女士称", "王**女士称"],
  ["王小明 13812345678", "王** 138****5678"],
  ["2026-12-10 13812345678", "2026-12-10 138****5678"],
  ["138 1234 5678 2026年起", "138 **** 5678 2026年起"],
];

// Must stay readable: case numbers, codes, dates, times, amounts, addresses, and 李先生 (surname only already).
const KEEP = [
  "#81 #12",
  "受理编号SC2026120300123，D3SX202505280018",
  "编号 202612030012345",
  "2026年12月20日 2026-12-20 2026.12.20 12.20 09:30 2026-12-10 18:00",
  "罚款5000元，罚款15000元，罚款1.5万元",
  "金牛大道88号，一环路北三段1号",
  "群众王先生反映；李先生；联系人王女士",
  "群众反映金牛大道噪声，群众多次投诉，举报人称夜间施工",
  "联系方式见附件",
];

describe("maskPii: a table of real texts", () => {
  it.each(TABLE)("%s", (input, masked) => expect(maskPii(input)).toBe(masked));
  it.each(KEEP)("keeps %s", (s) => expect(maskPii(s)).toBe(s));
  it("names the kind of each span", () => {
    expect(findPii("来电人：王小明，电话13812345678，身份证510106 19800101 123X，卡号6222-0212-3456-7890，座机028-87654321").map((s) => s.kind)).toEqual(["name", "mobile", "id", "card", "landline"]);
  });
  it("stripPii leaves a neutral title: no identifiers, not even masked (R40(a))", () => {
    expect(stripPii("李四138-1234-5678投诉噪声")).toBe("投诉噪声");
    expect(stripPii(`群众王先生（电话${MOBILE}，身份证${ID}）反映金牛大道某烧烤店油烟扰民`)).toBe("群众王先生反映金牛大道某烧烤店油烟扰民");
    expect(stripPii("举报人李四反映，电话(028)87654321，夜间施工")).toBe("举报人反映，夜间施工");
    expect(stripPii("金牛大道88号油烟")).toBe("金牛大道88号油烟");
    expect(stripPii("李四反映楼下烧烤店油烟", ["李四"])).toBe("反映楼下烧烤店油烟"); // a name known from the case record
  });
});

// ---- Property: numbers in every format, embedded in Chinese text, leave at most their allowed digits. ----
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(""));
const FW = (d: string) => String.fromCharCode(d.charCodeAt(0) + 0xfee0);
const SEPS = [" ", "-", ".", " - ", "－", "　", "．", "—"];

/** Split `d` into groups of the given sizes (the last takes the rest) joined by `sep`; some digits full-width. */
function layout(d: string, sizes: readonly number[], sep: string, wide: readonly boolean[]): string {
  const chars = Array.from(d).map((c, i) => (wide[i % wide.length] && /\d/.test(c) ? FW(c) : c));
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= chars.length) break;
    out.push(chars.slice(at, at + n).join(""));
    at += n;
  }
  if (at < chars.length) out.push(chars.slice(at).join(""));
  return out.join(sep);
}

type Item = { text: string; digits: string; visible: number };
const wide = fc.array(fc.boolean(), { minLength: 1, maxLength: 5 });
const sep = fc.constantFrom(...SEPS);
const mobile = fc
  .tuple(fc.constantFrom("", "+86", "+86 ", "＋86 ", "0086", "0086 ", "86", "86-"), fc.integer({ min: 3, max: 9 }), digits(9), fc.constantFrom([11], [3, 4, 4], [3, 8], [7, 4]), sep, wide)
  .map(([prefix, b, rest, sizes, s, w]): Item => {
    const d = `1${b}${rest}`;
    return { text: prefix + layout(d, sizes, s, w), digits: d, visible: 7 + prefix.replace(/\D/g, "").length };
  });
const date = fc.tuple(fc.integer({ min: 1940, max: 2010 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`);
const id18 = fc
  .tuple(fc.integer({ min: 110000, max: 829999 }), date, digits(3), fc.constantFrom(..."0123456789Xx"), fc.constantFrom([18], [6, 8, 4], [6, 4, 4, 4], [4, 4, 4, 4]), sep, wide)
  .map(([area, born, seq, check, sizes, s, w]): Item => {
    const d = `${area}${born}${seq}${check}`;
    return { text: layout(d, sizes, s, w), digits: d, visible: 4 };
  });
const id15 = fc
  .tuple(fc.integer({ min: 110000, max: 829999 }), date, digits(3), fc.constantFrom([15], [6, 6, 3]), sep, wide)
  .map(([area, born, seq, sizes, s, w]): Item => {
    const d = `${area}${born.slice(2)}${seq}`;
    return { text: layout(d, sizes, s, w), digits: d, visible: 4 };
  });
const card = fc
  .tuple(fc.constantFrom("62", "45", "51", "37"), fc.integer({ min: 14, max: 17 }).chain((n) => digits(n)), fc.constantFrom([19], [4, 4, 4, 4]), fc.constantFrom(" ", "-", "　", "－"), wide)
  .map(([bin, rest, sizes, s, w]): Item => {
    const d = bin + rest;
    return { text: layout(d, sizes, s, w), digits: d, visible: 4 };
  });
const landline = fc
  .tuple(fc.constantFrom("010", "020", "021", "028", "0831", "0816", "0755"), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 6, max: 7 }).chain((n) => digits(n)), fc.integer({ min: 0, max: 6 }), wide)
  .map(([area, first, rest, style, w]): Item => {
    const local = `${first}${rest}`;
    const l = layout(local, [local.length - 4, 4], " ", w);
    const a = layout(area, [9], "", w);
    if (style === 6) return { text: `+86 ${a.slice(1)} ${l}`, digits: area.slice(1) + local, visible: 2 + area.length - 1 + 4 }; // from abroad
    const text = [`${a}-${l.replace(" ", "")}`, `(${a})${l.replace(" ", "")}`, `（${a}）${l}`, `${a} ${l}`, `${a}${l.replace(" ", "")}`, `${a}－${l}`][style];
    return { text, digits: area + local, visible: area.length + 4 };
  });
const number = fc.oneof(mobile, id18, id15, card, landline);
const filler = fc.string({ unit: fc.constantFrom(..."噪声扰民油烟施工夜间河道反映情况居民小区附近电话手机身份证卡号，。；：（）、 "), maxLength: 12 });
const fold = (s: string) => s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

describe("maskPii: property over generated formats (R39)", () => {
  it("leaves no more than the allowed digits of any number, in any format, in any text (5,000 runs)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, number), { minLength: 1, maxLength: 3 }), filler, (parts, tail) => {
        // Text between two numbers is never empty of words: "13812345678" glued to another number is one number.
        const text = parts.map(([f, n], i) => (i > 0 ? `${f}，` : f) + n.text).join("") + tail;
        const masked = maskPii(text);
        expect(maskPii(masked)).toBe(masked); // idempotent: a log line or audit text masked twice stays the same
        const out = fold(masked);
        const flat = out.replace(/[\s\-.()（）+－．—]/g, ""); // separators out; "*" and words stay between digits
        for (const [, n] of parts) expect(flat).not.toContain(n.digits);
        const visible = (out.match(/\d/g) ?? []).length;
        expect(visible).toBeLessThanOrEqual(parts.reduce((s, [, n]) => s + n.visible, 0));
      }),
      { numRuns: 5000 },
    );
  });

  const surname = fc.constantFrom("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "欧阳", "诸葛");
  const given = fc.array(fc.constantFrom(..."明伟芳娜敏静丽强磊军洋勇艳杰娟涛超霞刚英某"), { minLength: 1, maxLength: 2 }).map((a) => a.join(""));
  it("keeps only the surname of a name after a marker, before an honorific or next to a phone (2,000 runs)", () => {
    fc.assert(
      fc.property(filler, fc.constantFrom("举报人", "投诉人", "来电人", "来信人", "联系人", "反映人", "群众", "来电人：", "联系人 "), surname, given, fc.constantFrom("反映", "，", "称", "先生", "女士", " 13812345678", "138-1234-5678"), (f, marker, sn, gn, after) => {
        const style = (sn.length + gn.length) % 3; // marker / honorific / glued to a phone
        const name = sn + gn;
        const text = style === 0 ? `${f}${marker}${name}${after}` : style === 1 ? `${f}，${name}先生反映` : `${f}，${name}13812345678投诉`;
        const out = maskPii(text);
        expect(out).not.toContain(name);
        expect(out).toContain(sn + "*".repeat(gn.length));
      }),
      { numRuns: 2000 },
    );
  });

  it("the quick test in front of the scan never skips a finding (3,000 runs)", () => {
    const piece = fc.oneof(filler, number.map((n) => n.text), fc.constantFrom("举报人", "群众", "先生", "女士", "王明", "李", "12", "1", "１２", "-", " ", "X", "#81"));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join("");
        if (scanPii(text).length) expect(MAYBE_PII.test(text)).toBe(true);
        expect(findPii(text)).toEqual(scanPii(text));
      }),
      { numRuns: 3000 },
    );
    expect(findPii("逾期 12 个工作日 · 荷花池街道")).toEqual([]); // no 3-digit group, no name word: not scanned
  });
});

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, testClock());
});
afterAll(() => t.cleanup());

describe("group messages (R39)", () => {
  it("masks the complainant's numbers in group replies and pushes; the record keeps them", async () => {
    const reply = await say(deps, "disp", "g-command", `交办 群众王先生（电话${MOBILE}，身份证${ID}）反映金牛大道某烧烤店油烟扰民 给 荷花池街道 限 5个工作日`);
    expect(reply).not.toMatch(FULL);
    const id = Number(/#(\d+)/.exec(reply)![1]);
    const q = await say(deps, "hh.officer", "g-hh", `查 #${id}`);
    expect(q).toContain("138****5678");
    expect(q).not.toMatch(FULL);
    const pushes = await t.db.all<{ payload: string }>(sql`select payload from outbox`);
    expect(pushes.length).toBeGreaterThan(0);
    for (const p of pushes) expect(p.payload).not.toMatch(FULL);
    // Single chat with someone allowed to see the case, and the stored case: in full.
    expect(await say(deps, "disp", "single:disp", `查 #${id}`)).toContain(MOBILE);
    const [c] = await t.db.all<{ content: string; title: string }>(sql`select content, title from cases where id = ${id}`);
    expect(c.content).toContain(MOBILE);
    expect(c.title).toBe("群众王先生反映金牛大道某烧烤店油烟扰民");
  });

  it("through the chat pipeline: generated numbers in a 交办 reach no group reply or push in full (40 runs)", async () => {
    const digitsOnly = (s: string) => fold(s).replace(/[^\dXx]/g, "");
    await fc.assert(
      fc.asyncProperty(filler, number, filler, async (a, n, b) => {
        const reply = await say(deps, "disp", "g-command", `交办 油烟${a}${n.text}${b} 给 荷花池街道`);
        const id = Number(/#(\d+)/.exec(reply)?.[1]);
        expect(id).toBeGreaterThan(0);
        const pushes = await t.db.all<{ payload: string }>(sql`select payload from outbox where case_id = ${id}`);
        expect(pushes.length).toBeGreaterThan(0);
        for (const text of [reply, ...pushes.map((p) => p.payload)]) expect(digitsOnly(text)).not.toContain(n.digits);
        const [c] = await t.db.all<{ title: string }>(sql`select title from cases where id = ${id}`);
        expect(digitsOnly(c.title)).toBe("");
      }),
      { numRuns: 40 },
    );
  });
});
