/** R10: the command parser is total and normalising; parse(formatCommand(cmd)) == cmd. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command, DeadlineSpec, ParseErrorCode, ParseResult } from "../../src/bot/commands.js";
import { isParseError } from "../../src/bot/commands.js";
import { formatCommand } from "../../src/bot/format.js";
import { normalize, stripLeadingMention, stripMentions, utf8Length } from "../../src/bot/normalize.js";
import { parse, parseCommand, parseDeadline } from "../../src/bot/parse.js";
import { command, COMMAND_NAMES } from "./command-arbitraries.js";

const CODES: ParseErrorCode[] = ["EMPTY", "UNKNOWN_COMMAND", "MISSING_CASE", "BAD_CASE", "MISSING_ARGUMENT", "BAD_DEADLINE", "BAD_VALUE", "TOO_LONG"];

/** A well-formed result: a known command, or a typed error with a Chinese message and an example. */
function checkShape(r: ParseResult): void {
  if (isParseError(r)) {
    expect(CODES).toContain(r.error);
    expect(r.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(r.usage).toContain("例如");
  } else {
    expect(COMMAND_NAMES).toContain(r.name);
  }
}


/** Strings of arbitrary UTF-16 code units: lone surrogates, controls, anything. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 1024 });
const verbish = fc
  .tuple(fc.constantFrom("签收", "办结", "交办", "延期", "巡查", "帮助", "查", "#", "＃１２", "@督办助手 ", "", "进展 #1 "), fc.string({ unit: "binary", maxLength: 300 }))
  .map(([v, s]) => v + s);

describe("parse is total (R10)", () => {
  const cases: [string, fc.Arbitrary<string>, number][] = [
    ["binary code points", fc.string({ unit: "binary", maxLength: 512 }), 4000],
    ["full unicode graphemes", fc.string({ unit: "grapheme", maxLength: 400 }), 2000],
    ["UTF-16 code units incl. lone surrogates", codeUnits, 2000],
    ["command-shaped text", verbish, 2000],
  ];
  let seen = 0; // parse time is measured by bench/rejections.ts, never asserted (R10's 5 ms p99)
  for (const [label, arb, numRuns] of cases) {
    it(`never throws: ${label}`, () => {
      fc.assert(
        fc.property(arb, (s) => {
          const r = parseCommand(s);
          seen++;
          checkShape(r);
          if (utf8Length(s) > 2048) expect(r).toMatchObject({ error: "TOO_LONG" });
        }),
        { numRuns },
      );
    });
  }
  it("covers 10,000 inputs", () => {
    expect(seen).toBe(10_000);
  });

  it("utf8Length agrees with TextEncoder, and over 2048 bytes is TOO_LONG", () => {
    fc.assert(
      fc.property(codeUnits, (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
    expect(parse("签收 #12 " + "啊".repeat(680))).toMatchObject({ error: "TOO_LONG" });
    expect(parse("进展 #12 " + "啊".repeat(600))).toMatchObject({ name: "progress" });
  });
});

describe("normalisation (R10)", () => {
  it("normalize is idempotent", () => {
    for (const arb of [fc.string({ unit: "binary", maxLength: 200 }), codeUnits, fc.string({ unit: "grapheme", maxLength: 100 })]) {
      fc.assert(
        fc.property(arb, (s) => {
          expect(normalize(normalize(s))).toBe(normalize(s));
        }),
        { numRuns: 1000 },
      );
    }
  });

  it("folds full-width, Unicode spaces and Chinese separators; keeps CJK and newlines", () => {
    expect(normalize("＃１２３　结案")).toBe("#123 结案");
    expect(normalize("签收\u00a0\u00a0＃１２")).toBe("签收 #12");
    expect(normalize("  核查：属实，经现场核实；整改（已完成）\r\n\n  回访：满意  ")).toBe("核查:属实,经现场核实;整改(已完成)\n回访:满意");
    expect(normalize("配合 区城管局、市场监管局。")).toBe("配合 区城管局、市场监管局。");
    expect(normalize("签\u200b收 #12")).toBe("签收 #12");
    expect(normalize("@督办助手\u2005签收 #12")).toBe("签收 #12");
    expect(normalize("＠督办助手 @张三 签收 #12")).toBe("签收 #12");
    expect(stripLeadingMention("@督办助手 @张三 签收")).toBe("@张三 签收");
    expect(stripMentions("@督办助手 @张三 签收")).toBe("签收");
    expect(normalize("指派 #12 给 @赵六")).toBe("指派 #12 给 @赵六");
  });

  const toFullWidth = (s: string) => s.replace(/[\x21-\x7e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const variants: [string, (s: string) => string][] = [
    ["full-width", toFullWidth],
    ["ideographic spaces", (s) => s.replace(/ /g, "\u3000")],
    ["NBSP and doubled spaces", (s) => s.replace(/ /g, "\u00a0 ")],
    ["leading @mention", (s) => `@督办助手 ${s}`],
    ["leading @mention with U+2005 and padding", (s) => `  @Duban\u2005${s}  `],
  ];
  for (const [label, f] of variants) {
    it(`${label} parses like the plain text`, () => {
      fc.assert(
        fc.property(command, (cmd) => {
          const text = formatCommand(cmd);
          expect(parse(f(text))).toStrictEqual(parse(text));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("bot names given in options are removed anywhere, even with spaces", () => {
    expect(parse("@Duban Bot 签收 #12", { botNames: ["Duban Bot"] })).toStrictEqual({ name: "acknowledge", ref: { kind: "id", id: 12 } });
    expect(parse("签收 #12 @督办助手", { botNames: ["督办助手"] })).toStrictEqual({ name: "acknowledge", ref: { kind: "id", id: 12 } });
    expect(parse("催办 #3 @督办助手")).toStrictEqual({ name: "chase", ref: { kind: "id", id: 3 } });
  });
});

/** The record keeps Chinese punctuation in free text: ASCII , : ; ! ? beside a Han character, "(" before and ")" after one. */
const HAN = /\p{Script=Han}/u;
function zh(s: string): string {
  const full: Record<string, string> = { ",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）" };
  return [...s].map((c, i, a) => {
    const before = HAN.test(a[i - 1] ?? ""), after = HAN.test(a[i + 1] ?? "");
    if (c === "(") return after ? full[c] : c;
    if (c === ")") return before ? full[c] : c;
    return full[c] && (before || after) ? full[c] : c;
  }).join("");
}
const FREE = ["content", "reason", "text", "note", "finding", "rectification", "accountability", "callbackNote"];
function canonical<T>(v: T): T {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" && FREE.includes(k) ? zh(x) : canonical(x)])) as T;
}

describe("round trip parse(formatCommand(cmd)) (R10)", () => {
  it("holds for generated valid commands", () => {
    fc.assert(
      fc.property(command, (cmd) => {
        expect(parse(formatCommand(cmd))).toStrictEqual(canonical(cmd));
      }),
      { numRuns: 3000 },
    );
  });

  it("covers every command name", () => {
    const seen = new Set<string>();
    fc.assert(fc.property(command, (cmd) => void seen.add(cmd.name)), { numRuns: 2000 });
    expect([...seen].sort()).toEqual([...COMMAND_NAMES].sort());
  });
});

describe("deadlines", () => {
  const table: [string, DeadlineSpec | undefined][] = [
    ["12月10日", { kind: "date", month: 12, day: 10 }],
    ["12月10号", { kind: "date", month: 12, day: 10 }],
    ["12-10", { kind: "date", month: 12, day: 10 }],
    ["12/10", { kind: "date", month: 12, day: 10 }],
    ["１２月１０日", { kind: "date", month: 12, day: 10 }],
    ["2026-12-10", { kind: "date", year: 2026, month: 12, day: 10 }],
    ["2026/1/5", { kind: "date", year: 2026, month: 1, day: 5 }],
    ["2026年12月10日", { kind: "date", year: 2026, month: 12, day: 10 }],
    ["12月10日前", { kind: "date", month: 12, day: 10 }],
    ["2月29日", { kind: "date", month: 2, day: 29 }],
    ["2028-02-29", { kind: "date", year: 2028, month: 2, day: 29 }],
    ["本周五", { kind: "weekday", weekday: 5, weekOffset: 0 }],
    ["周五", { kind: "weekday", weekday: 5, weekOffset: 0 }],
    ["星期三", { kind: "weekday", weekday: 3, weekOffset: 0 }],
    ["下周一", { kind: "weekday", weekday: 1, weekOffset: 1 }],
    ["下星期日", { kind: "weekday", weekday: 7, weekOffset: 1 }],
    ["周天", { kind: "weekday", weekday: 7, weekOffset: 0 }],
    ["3天内", { kind: "days", n: 3, working: false }],
    ["3天", { kind: "days", n: 3, working: false }],
    ["三天内", { kind: "days", n: 3, working: false }],
    ["十五天", { kind: "days", n: 15, working: false }],
    ["5个工作日", { kind: "days", n: 5, working: true }],
    ["5工作日", { kind: "days", n: 5, working: true }],
    ["５个工作日内", { kind: "days", n: 5, working: true }],
    ["13月40日", undefined],
    ["2月30日", undefined],
    ["2027-02-29", undefined],
    ["12-32", undefined],
    ["0天", undefined],
    ["下下周一", undefined],
    ["周八", undefined],
    ["明天", undefined],
    ["12月10日 设备到货", undefined],
    ["", undefined],
  ];
  it.each(table)("parseDeadline(%j)", (input, expected) => {
    expect(parseDeadline(input)).toStrictEqual(expected);
  });
});

const id12 = { kind: "id", id: 12 } as const;
const ok: [string, Command][] = [
  ["帮助", { name: "help" }],
  ["help", { name: "help" }],
  ["？", { name: "help" }],
  ["帮助 交办", { name: "help", topic: "assign" }],
  ["帮助 不同意延期", { name: "help", topic: "refuse_extension" }],
  ["交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 配合 区城管局、市场监管局 限 5个工作日 督办 李区长",
    { name: "assign", content: "金牛大道某烧烤店油烟扰民", leadUnit: "荷花池街道", coUnits: ["区城管局", "市场监管局"], deadline: { kind: "days", n: 5, working: true }, leader: "李区长", priority: "normal" }],
  ["交办 夜间施工噪声 由 驷马桥街道 牵头，协办 区住房和城乡建设局和区城管局 限期 本周五 包案 @王书记 紧急 编号 d3sx202505280018",
    { name: "assign", content: "夜间施工噪声", leadUnit: "驷马桥街道", coUnits: ["区住房和城乡建设局", "区城管局"], deadline: { kind: "weekday", weekday: 5, weekOffset: 0 }, leader: "王书记", priority: "urgent", externalNo: "D3SX202505280018" }],
  ["交办 重点关注 D3SX202505280018 河道漂浮物 给荷花池街道", { name: "assign", content: "河道漂浮物", leadUnit: "荷花池街道", coUnits: [], priority: "focus", externalNo: "D3SX202505280018" }],
  ["交办 油烟给居民带来困扰 给 荷花池街道", { name: "assign", content: "油烟给居民带来困扰", leadUnit: "荷花池街道", coUnits: [], priority: "normal" }],
  // The complainant part (R40): out of the content, so out of the title and every group message.
  ["交办 噪声扰民 来电人 李四 13812345678 给 荷花池街道", { name: "assign", content: "噪声扰民", leadUnit: "荷花池街道", coUnits: [], priority: "normal", complainant: "李四 13812345678" }],
  ["交办 来电人：李四，电话13812345678 反映金牛大道夜间施工 给 荷花池街道", { name: "assign", content: "反映金牛大道夜间施工", leadUnit: "荷花池街道", coUnits: [], priority: "normal", complainant: "李四 13812345678" }],
  ["交办 油烟扰民 联系人 王女士 028-87654321 给 荷花池街道", { name: "assign", content: "油烟扰民", leadUnit: "荷花池街道", coUnits: [], priority: "normal", complainant: "王女士 028-87654321" }],
  ["交办 金牛大道噪声扰民，来电人王小明＋86 138 1234 5678 给 荷花池街道", { name: "assign", content: "金牛大道噪声扰民", leadUnit: "荷花池街道", coUnits: [], priority: "normal", complainant: "王小明 +86 138 1234 5678" }],
  ["交办 来电人 匿名 河道漂浮物 给 荷花池街道", { name: "assign", content: "河道漂浮物", leadUnit: "荷花池街道", coUnits: [], priority: "normal", complainant: "匿名" }],
  ["交办 举报人反映夜间施工噪声 给 荷花池街道", { name: "assign", content: "举报人反映夜间施工噪声", leadUnit: "荷花池街道", coUnits: [], priority: "normal" }],
  ["签收 #12", { name: "acknowledge", ref: id12 }],
  ["签收#12", { name: "acknowledge", ref: id12 }],
  ["签收 12号", { name: "acknowledge", ref: id12 }],
  ["签收 第12号", { name: "acknowledge", ref: id12 }],
  ["签收 案件12", { name: "acknowledge", ref: id12 }],
  ["签收 案件 12", { name: "acknowledge", ref: id12 }],
  ["签收：＃１２", { name: "acknowledge", ref: id12 }],
  ["#12 签收", { name: "acknowledge", ref: id12 }],
  ["退回 #12 该点位属驷马桥街道辖区", { name: "return", ref: id12, reason: "该点位属驷马桥街道辖区" }],
  ["改派 #12 给 驷马桥街道", { name: "reassign", ref: id12, unit: "驷马桥街道" }],
  ["改派 #12 驷马桥街道", { name: "reassign", ref: id12, unit: "驷马桥街道" }],
  ["指派 #12 给 @赵六", { name: "assign_officer", ref: id12, person: "赵六" }],
  ["指派 #12 @赵六", { name: "assign_officer", ref: id12, person: "赵六" }],
  ["进展 #12 已约谈店主，正在安装净化器", { name: "progress", ref: id12, text: "已约谈店主，正在安装净化器" }],
  ["进展 #12 整改前照片", { name: "progress", ref: id12, text: "整改前照片", phase: "before" }],
  ["进展 #12 净化器已安装，附整改后照片", { name: "progress", ref: id12, text: "净化器已安装，附整改后照片", phase: "after" }],
  ["延期 #12 至 12月20日 设备到货需10天", { name: "request_extension", ref: id12, deadline: { kind: "date", month: 12, day: 20 }, reason: "设备到货需10天" }],
  ["延期 #12 12-20 设备到货需10天", { name: "request_extension", ref: id12, deadline: { kind: "date", month: 12, day: 20 }, reason: "设备到货需10天" }],
  ["延期#12到下周一，设备未到", { name: "request_extension", ref: id12, deadline: { kind: "weekday", weekday: 1, weekOffset: 1 }, reason: "设备未到" }],
  ["同意延期 #12", { name: "approve_extension", ref: id12 }],
  ["不同意延期 #12 请按原时限完成", { name: "refuse_extension", ref: id12, reason: "请按原时限完成" }],
  ["办结 #12", { name: "submit_closure", ref: id12, fields: {} }],
  ["办结 #12\n核查：属实，经现场核实油烟直排\n整改：已安装油烟净化器\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意",
    { name: "submit_closure", ref: id12, fields: { finding: "属实，经现场核实油烟直排", verdict: "属实", rectification: "已安装油烟净化器", handlingClass: "限期整改", accountability: "约谈店主张某，责令整改", accountabilityAction: "约谈", callbackResult: "满意" } }],
  ["办结 #12 调查 部分属实，部分时段直排；处理：加装净化器；处置：保留经营；问责：店主无证经营，立案处罚，罚款1.5万元；满意度：基本满意，群众认可；结果：阶段性办结；下一节点：12月30日",
    { name: "submit_closure", ref: id12, fields: { finding: "部分属实，部分时段直排", verdict: "部分属实", rectification: "加装净化器", handlingClass: "保留经营", accountability: "店主无证经营，立案处罚，罚款1.5万元", accountabilityAction: "立案处罚", penaltyAmount: 15000, callbackResult: "基本满意", callbackNote: "群众认可", outcome: "staged", milestone: { kind: "date", month: 12, day: 30 } } }],
  ["办结 #12\n核实：反映问题不属实\n责任：无\n回访：无法联系，电话空号\n整改前照片见上\n结果：已办结",
    { name: "submit_closure", ref: id12, fields: { finding: "反映问题不属实", verdict: "不属实", accountability: "无", accountabilityAction: "无", callbackResult: "无法联系", callbackNote: "电话空号", outcome: "closed" } }],
  ["办结 #12\n责任：罚款5000元\n回访：群众表示不满意", { name: "submit_closure", ref: id12, fields: { accountability: "罚款5000元", accountabilityAction: "立案处罚", penaltyAmount: 5000, callbackResult: "不满意", callbackNote: "群众表示" } }],
  ["＃１２３　结案", { name: "submit_closure", ref: { kind: "id", id: 123 }, fields: {} }],
  ["通过 #12", { name: "approve_closure", ref: id12 }],
  ["审核通过 #12", { name: "approve_closure", ref: id12 }],
  ["销号 #12", { name: "approve_closure", ref: id12 }],
  ["驳回 #12 照片不能反映整改效果", { name: "reject_closure", ref: id12, reason: "照片不能反映整改效果" }],
  ["挂牌 #12", { name: "flag", ref: id12 }],
  ["摘牌 #12", { name: "unflag", ref: id12 }],
  ["催办 #12", { name: "chase", ref: id12 }],
  ["巡查 #12 正常", { name: "patrol", ref: id12, result: "ok" }],
  ["巡查 #12 未发现反弹", { name: "patrol", ref: id12, result: "ok" }],
  ["巡查 #12 反弹 又有油烟", { name: "patrol", ref: id12, result: "rebound", note: "又有油烟" }],
  ["撤销 #12 重复交办", { name: "cancel", ref: id12, reason: "重复交办" }],
  ["查 #12", { name: "query", ref: id12 }],
  ["查 D3SX202505280018", { name: "query", ref: { kind: "external", no: "D3SX202505280018" } }],
  ["查询 d3sx202505280018", { name: "query", ref: { kind: "external", no: "D3SX202505280018" } }],
  ["我的", { name: "mine" }],
  ["待办", { name: "mine" }],
  ["逾期", { name: "overdue" }],
  ["统计", { name: "stats" }],
  ["登录", { name: "login" }],
  ["#12", { name: "select", ref: id12 }],
  ["12号", { name: "select", ref: id12 }],
  ["案件 12", { name: "select", ref: id12 }],
  ["D3SX202505280018", { name: "select", ref: { kind: "external", no: "D3SX202505280018" } }],
  ["@督办助手 签收 #12", { name: "acknowledge", ref: id12 }],
  ["@Duban 签收#12", { name: "acknowledge", ref: id12 }],
];

describe("concrete commands", () => {
  it.each(ok)("%j", (text, expected) => {
    expect(parse(text)).toStrictEqual(expected);
  });
});

const bad: [string, ParseErrorCode, string?][] = [
  ["", "EMPTY"],
  ["@督办助手", "EMPTY"],
  ["　\u200b ", "EMPTY"],
  ["签到 #12", "UNKNOWN_COMMAND", "签收"],
  ["签到#12", "UNKNOWN_COMMAND", "签收"],
  ["申请结案#12", "UNKNOWN_COMMAND", "办结"],
  ["你好", "UNKNOWN_COMMAND", "帮助"],
  ["签收", "MISSING_CASE"],
  ["签收 #abc", "BAD_CASE"],
  ["签收 #0", "BAD_CASE"],
  ["签收 #12345678901", "BAD_CASE"],
  ["通过 金牛大道", "BAD_CASE"],
  ["交办", "MISSING_ARGUMENT"],
  ["交办 给 荷花池街道", "MISSING_ARGUMENT"],
  ["交办 金牛大道油烟扰民", "MISSING_ARGUMENT"],
  ["交办 油烟 给 荷花池街道 限 13月40日", "BAD_DEADLINE"],
  ["交办 油烟 给 荷花池街道 限 明天", "BAD_DEADLINE"],
  ["交办 油烟 给 荷花池街道 给 驷马桥街道", "BAD_VALUE"],
  ["交办 油烟 给 荷花池街道 编号 12-34", "BAD_VALUE"],
  ["交办 油烟 来电人 李四 13812345678 给 荷花池街道 联系人 王五", "BAD_VALUE"],
  ["退回 #12", "MISSING_ARGUMENT"],
  ["改派 #12 给", "MISSING_ARGUMENT"],
  ["指派 #12", "MISSING_ARGUMENT"],
  ["进展 #12", "MISSING_ARGUMENT"],
  ["延期 #12", "MISSING_ARGUMENT"],
  ["延期 #12 至 12月20日", "MISSING_ARGUMENT"],
  ["延期 #12 至 13月40日 设备未到", "BAD_DEADLINE"],
  ["延期 #12 设备未到", "BAD_DEADLINE"],
  ["不同意延期 #12", "MISSING_ARGUMENT"],
  ["驳回 #12", "MISSING_ARGUMENT"],
  ["撤销 #12", "MISSING_ARGUMENT"],
  ["巡查 #12", "MISSING_ARGUMENT"],
  ["巡查 #12 还行", "BAD_VALUE"],
  ["办结 #12\n分类：先放着", "BAD_VALUE", "限期整改"],
  ["办结 #12\n回访：还可以", "BAD_VALUE", "无法联系"],
  ["办结 #12\n结果：不知道", "BAD_VALUE"],
  ["办结 #12\n节点：下下周一", "BAD_DEADLINE"],
  ["查", "MISSING_CASE"],
  ["签收 #12 " + "啊".repeat(700), "TOO_LONG"],
];

describe("concrete errors", () => {
  it.each(bad)("%j → %s", (text, code, mention) => {
    const r = parse(text);
    expect(isParseError(r)).toBe(true);
    if (!isParseError(r)) return;
    expect(r.error).toBe(code);
    expect(r.usage).toContain("例如");
    expect(r.message).toMatch(/[\u4e00-\u9fa5]/);
    if (mention) expect(r.message).toContain(mention);
  });

  it("errors of a command name the command and show its own example", () => {
    expect(parse("退回 #12")).toMatchObject({ command: "return", usage: expect.stringContaining("退回 #12") });
    expect(parse("延期 #12 至 13月40日 x")).toMatchObject({ command: "request_extension", message: expect.stringContaining("13月40日") });
  });
});
