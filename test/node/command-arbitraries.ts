/** fast-check arbitraries for valid chat commands (the R10 round trip). */
import fc from "fast-check";
import type { CaseRef, ClosureFields, Command, CommandName, DeadlineSpec } from "../../src/bot/commands.js";
import { normalize } from "../../src/bot/normalize.js";

export const COMMAND_NAMES: CommandName[] = [
  "help", "assign", "acknowledge", "return", "reassign", "assign_officer", "progress", "request_extension",
  "approve_extension", "refuse_extension", "submit_closure", "approve_closure", "reject_closure", "flag", "unflag",
  "chase", "patrol", "cancel", "query", "select", "mine", "overdue", "stats", "login", "remark_photo", "hold_accountable",
  "merge", "not_duplicate", "unmerge",
];

/** Words that carry meaning somewhere in the grammar; plain text is built without them. */
const RESERVED = ["属实", "满意", "联系", "约谈", "责令整改", "立案处罚", "问责", "罚款", "处罚", "整改前", "整改后", "无", "阶段", "现场", "问题", "整改完成", "整改完毕", "已整改", "已完成整改", "诫勉谈话", "通报批评", "书面检查", "责令检查", "党纪处分", "政务处分", "组织处理", "免职", "停职"];
/** 交办 keywords (a token must not start with one) and flags (a token must not equal one). */
const ASSIGN_KEYWORDS = ["牵头", "交给", "给", "由", "配合", "协办", "限", "时限", "期限", "督办", "包案", "编号", "受理编号"];
const FLAGS = ["紧急", "加急", "特急", "重点关注"];

const WORDS = [
  "已", "店主", "正在", "安装", "净化器", "油烟", "扰民", "夜间", "施工", "噪声", "设备", "到货", "需要", "10天", "照片",
  "不能", "反映", "效果", "该点位", "辖区", "重复", "经", "现场", "核查", "群众", "表示", "完成", "清理", "abc", "3台", "X1",
  "烧烤", "金牛大道", "2号楼", "(附图)", "油烟净化器",
];
const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const atom = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: cjk });

/** Plain single-line text: normalised, no leading separator, none of the reserved words. */
export const plainText: fc.Arbitrary<string> = fc
  .array(fc.tuple(atom, fc.constantFrom("", "", " ", ",", "。")), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([a, sep]) => a + sep).join("").replace(/[ ,。]+$/, ""))
  .filter((t) => t !== "" && normalize(t) === t && !/^[,;:。.、]/.test(t) && !RESERVED.some((w) => t.includes(w)));

const startsWithKeyword = (tok: string) => ASSIGN_KEYWORDS.some((k) => tok.startsWith(k));
/** A 交办 field: no token that starts with a keyword, equals a flag or looks like a 受理编号. */
const assignSafe = (t: string) =>
  t.split(/[\s,;]/).every((tok) => !startsWithKeyword(tok) && !FLAGS.includes(tok) && !/^[A-Za-z][A-Za-z0-9]{7,}$/.test(tok));

const suffix = fc.constantFrom("街道", "局", "中心");
export const unitName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("荷花池街道", "驷马桥街道", "区城管局", "市场监管局", "区住房和城乡建设局", "区生态环境局", "金牛区城管局", "抚琴街道"),
  fc.tuple(fc.array(cjk, { minLength: 2, maxLength: 4 }), suffix).map(([cs, s]) => cs.join("") + s),
).filter((u) => !u.includes("和") || u === "区住房和城乡建设局").filter((u) => assignSafe(u) && !/^(交给|改给|给|到|至)/.test(u) && !u.includes("、"));

export const personName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("赵六", "李区长", "王书记", "zhangsan", "li.si"),
  fc.array(cjk, { minLength: 2, maxLength: 3 }).map((cs) => cs.join("")),
).filter((p) => assignSafe(p) && !/^(交给|给|由)/.test(p));

const upperAlnum = fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".split(""));
export const externalNo: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ".split("")), fc.array(upperAlnum, { minLength: 6, maxLength: 20 }), fc.integer({ min: 0, max: 9 }))
  .map(([a, rest, d]) => `${a}${rest.join("")}${d}`);

export const caseRef: fc.Arbitrary<CaseRef> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 999_999_999 }).map((id): CaseRef => ({ kind: "id", id })) },
  { weight: 1, arbitrary: externalNo.map((no): CaseRef => ({ kind: "external", no })) },
);

/** Plain objects, so that toStrictEqual compares them with the parser's output. */
const NP = { noNullPrototype: true } as const;
const daysIn = (m: number, y?: number) => (m === 2 ? (y === undefined || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
export const deadline: fc.Arbitrary<DeadlineSpec> = fc.oneof(
  fc
    .record({ year: fc.option(fc.integer({ min: 2000, max: 2099 }), { nil: undefined }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }, NP)
    .filter((d) => d.day <= daysIn(d.month, d.year))
    .map((d): DeadlineSpec => (d.year === undefined ? { kind: "date", month: d.month, day: d.day } : { kind: "date", year: d.year, month: d.month, day: d.day })),
  fc.record({ kind: fc.constant("weekday" as const), weekday: fc.constantFrom(1, 2, 3, 4, 5, 6, 7 as const), weekOffset: fc.constantFrom(0, 1 as const) }, NP),
  fc.record({ kind: fc.constant("days" as const), n: fc.integer({ min: 1, max: 999 }), working: fc.boolean() }, NP),
  fc.record({ kind: fc.constant("month_end" as const), monthOffset: fc.constantFrom(0, 1 as const) }, NP),
  fc.integer({ min: 1, max: 31 }).chain((day) =>
    fc.constantFrom<DeadlineSpec>({ kind: "month_day", day }, { kind: "month_day", day, monthOffset: 0 }, { kind: "month_day", day, monthOffset: 1 }),
  ),
);

const verdictFinding = fc.tuple(fc.option(fc.constantFrom("属实", "部分属实", "不属实" as const), { nil: undefined }), plainText).map(([v, t]) =>
  v ? { finding: `${v},${t}`, verdict: v } : { finding: t },
);
const accountability = fc
  .tuple(fc.constantFrom("约谈", "责令整改", "立案处罚", "问责", "无", undefined), plainText, fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }), fc.boolean())
  .map(([action, t, amount, wan]) => {
    if (action === "无") return { accountability: "无", accountabilityAction: "无" as const };
    const fine = amount === undefined ? "" : wan ? `,罚款${amount / 10}万元` : `,罚款${amount}元`;
    const text = `${action ?? ""}${t}${fine}`;
    const out: Pick<ClosureFields, "accountability" | "accountabilityAction" | "penaltyAmount"> = { accountability: text };
    if (action) out.accountabilityAction = action;
    else if (amount !== undefined) out.accountabilityAction = "立案处罚"; // a fine without a named action
    if (amount !== undefined) out.penaltyAmount = wan ? amount * 1000 : amount;
    return out;
  });
const callback = fc
  .tuple(fc.constantFrom("满意", "基本满意", "不满意", "无法联系" as const), fc.option(plainText, { nil: undefined }))
  .map(([r, note]) => (note ? { callbackResult: r, callbackNote: note } : { callbackResult: r }));

export const closureFields: fc.Arbitrary<ClosureFields> = fc
  .record(
    {
      f: verdictFinding,
      rectification: plainText,
      handlingClass: fc.constantFrom("保留经营", "限期整改", "关停取缔", "无需整改" as const),
      a: accountability,
      c: callback,
      outcome: fc.constantFrom("closed", "staged" as const),
      milestone: deadline,
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map(({ f, a, c, ...rest }) => ({ ...f, ...a, ...c, ...rest }));

const progressText = fc
  .tuple(fc.array(plainText, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, "before", "after" as const))
  .map(([lines, phase]) => {
    const text = lines.join("\n") + (phase === "before" ? " 整改前照片" : phase === "after" ? ",整改后照片" : "");
    return phase ? { text, phase } : { text };
  });

const assignContent = fc.array(plainText, { minLength: 1, maxLength: 3 }).map((ts) => ts.join(" ")).filter(assignSafe);

export const command: fc.Arbitrary<Command> = fc.oneof(
  fc.option(fc.constantFrom(...COMMAND_NAMES), { nil: undefined }).map((topic): Command => (topic ? { name: "help", topic } : { name: "help" })),
  fc.constantFrom("mine", "overdue", "stats", "login" as const).map((name): Command => ({ name })),
  fc
    .record(
      {
        content: assignContent,
        leadUnit: unitName,
        coUnits: fc.uniqueArray(unitName, { maxLength: 3 }),
        deadline,
        leader: personName,
        priority: fc.constantFrom("normal", "urgent", "focus" as const),
        externalNo,
      },
      { requiredKeys: ["content", "leadUnit", "coUnits", "priority"], noNullPrototype: true },
    )
    .map((r): Command => ({ name: "assign", ...r })),
  fc
    .tuple(fc.constantFrom("acknowledge", "approve_extension", "approve_closure", "flag", "unflag", "chase", "query", "select" as const), caseRef)
    .map(([name, ref]): Command => ({ name, ref })),
  // 签收/查 several cases at once (issue 11)
  fc
    .tuple(fc.constantFrom("acknowledge", "query" as const), caseRef, fc.uniqueArray(caseRef, { minLength: 1, maxLength: 3, selector: (r) => (r.kind === "id" ? `#${r.id}` : r.no) }))
    .filter(([, ref, more]) => more.every((r) => (r.kind === "id" ? `#${r.id}` : r.no) !== (ref.kind === "id" ? `#${ref.id}` : ref.no)))
    .map(([name, ref, more]): Command => ({ name, ref, more })),
  fc
    .tuple(fc.constantFrom("return", "refuse_extension", "reject_closure", "cancel" as const), caseRef, plainText)
    .map(([name, ref, reason]): Command => ({ name, ref, reason })),
  fc.tuple(caseRef, unitName).map(([ref, unit]): Command => ({ name: "reassign", ref, unit })),
  fc
    .tuple(caseRef, fc.option(fc.constantFrom("约谈", "通报批评", "诫勉谈话"), { nil: undefined }), plainText)
    .map(([ref, action, t]): Command => (action ? { name: "hold_accountable", ref, action, text: `${action} ${t}` } : { name: "hold_accountable", ref, text: t })),
  fc.tuple(caseRef, plainText).map(([ref, note]): Command => ({ name: "approve_closure", ref, note })),
  fc.tuple(caseRef, caseRef).filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([ref, into]): Command => ({ name: "merge", ref, into })),
  fc.tuple(caseRef, fc.option(caseRef, { nil: undefined })).filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([ref, other]): Command => (other ? { name: "not_duplicate", ref, other } : { name: "not_duplicate", ref })),
  caseRef.map((ref): Command => ({ name: "unmerge", ref })),
  fc
    .tuple(caseRef, fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }), fc.constantFrom("before", "after" as const))
    .map(([ref, nos, phase]): Command => ({ name: "remark_photo", ref, nos: [...nos].sort((a, b) => a - b), phase })),
  fc.tuple(caseRef, personName).map(([ref, person]): Command => ({ name: "assign_officer", ref, person })),
  fc.tuple(caseRef, progressText).map(([ref, p]): Command => ({ name: "progress", ref, ...p })),
  fc.tuple(caseRef, deadline, plainText).map(([ref, d, reason]): Command => ({ name: "request_extension", ref, deadline: d, reason })),
  fc.tuple(caseRef, closureFields).map(([ref, fields]): Command => ({ name: "submit_closure", ref, fields })),
  fc
    .tuple(caseRef, fc.constantFrom("ok", "rebound" as const), fc.option(plainText, { nil: undefined }))
    .map(([ref, result, note]): Command => (note ? { name: "patrol", ref, result, note } : { name: "patrol", ref, result })),
);
