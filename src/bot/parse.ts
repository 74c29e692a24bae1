/**
 * The chat command parser (spec §3, reliability R10): total — every input gives a typed command or a
 * typed error with a Chinese message and a usage line with an example — and normalising.
 */
import type { CaseRef, Command, CommandName, ParseError, ParseResult } from "./commands.js";
import { normalize, stripBotMentions, utf8Length } from "./normalize.js";
import { clip, isExternalNo, parseAssign } from "./parse-assign.js";
import { parseClosureBody } from "./parse-closure.js";
import { parseDeadlinePrefix } from "../domain/deadline-text.js";
import { phaseFromText } from "../domain/photo-phase.js";
import { FIELD_USAGE, matchVerb, USAGE, VERB_OF, VERBS } from "./verbs.js";

export { parseDeadline } from "../domain/deadline-text.js";

export const MAX_BYTES = 2048;

export type ParseOptions = {
  /** Names of the bot; "@<name>" is removed anywhere in the text (names may contain spaces). */
  botNames?: string[];
};

const NO_ARGS = new Set<CommandName>(["mine", "overdue", "stats", "login"]);
const COMMAND_NAMES = new Set<string>(Object.keys(VERB_OF));

/** Parses one chat message. Never throws. */
export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  try {
    return withChinesePunctuation(parseCommand(text, opts));
  } catch {
    // Defensive only: parseCommand is written (and fuzzed) not to throw.
    return { error: "UNKNOWN_COMMAND", message: "无法识别这条消息。发送「帮助」查看全部命令。", usage: USAGE.help };
  }
}

/** Free-text fields keep the sender's Chinese punctuation in the record, although parsing folded it to ASCII. */
const FREE_TEXT = new Set(["content", "reason", "text", "note", "finding", "rectification", "accountability", "callbackNote"]);
const FULL: Record<string, string> = { ",": "，", ":": "：", ";": "；", "!": "！", "?": "？" };

/** ASCII , : ; ! ? next to a Han character become full-width again; "(" before and ")" after one too. */
export function chinesePunctuation(s: string): string {
  return s
    .replace(/(?<=\p{Script=Han})[,:;!?]|[,:;!?](?=\p{Script=Han})/gu, (c) => FULL[c])
    .replace(/\((?=\p{Script=Han})/gu, "（")
    .replace(/(?<=\p{Script=Han})\)/gu, "）");
}

function withChinesePunctuation(r: ParseResult): ParseResult {
  if ("error" in r) return r;
  const fix = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" && FREE_TEXT.has(k) ? chinesePunctuation(v) : v && typeof v === "object" && !Array.isArray(v) ? fix(v as Record<string, unknown>) : v]));
  return fix(r as unknown as Record<string, unknown>) as unknown as ParseResult;
}

/** The parser itself, without the safety net; exported so that tests can check it never throws. */
export function parseCommand(text: string, opts: ParseOptions = {}): ParseResult {
  if (typeof text !== "string") return { error: "EMPTY", message: "消息是空的。", usage: FIELD_USAGE.empty };
  const bytes = utf8Length(text);
  if (bytes > MAX_BYTES) {
    return { error: "TOO_LONG", message: `消息太长（${bytes} 字节），一条命令不能超过 ${MAX_BYTES} 字节。`, usage: FIELD_USAGE.tooLong };
  }
  const s = opts.botNames?.length ? stripBotMentions(text, opts.botNames) : normalize(text);
  if (s === "") return { error: "EMPTY", message: "消息是空的，没有命令。", usage: FIELD_USAGE.empty };

  const casual = casualAck(s);
  if (casual) return casual;
  const staged = STAGED_FIRST.exec(s);
  if (staged) {
    const r = readRef(s.slice(staged[0].length));
    if (r && "ref" in r) return dispatch("submit_closure", `${refText(r.ref)} 阶段性办结 ${r.rest}`);
  }
  const agree = agreeTo(s);
  if (agree) return agree;
  const verb = matchVerb(s);
  if (verb) return dispatch(verb.name, verb.rest);

  // Case numbers first: "#12" alone names a case; "#12 签收" is "签收 #12"; "#81 已经处理好了" is a progress report.
  const lead = readRefs(s.replace(FILLER, ""));
  if (lead && "refs" in lead) return afterRefs(lead.refs, lead.rest);
  return unknown(s);
}

/** Words before a case number that carry nothing: "这个81号案子…", "关于81号件，…". */
const FILLER = /^(?:这个|那个|关于|有关)\s*(?=#|第|案|\d)/;
/** "收到/好的/马上办 #N": 签收 where the sender may sign (issue 11); the handler decides what it means for others. */
const CASUAL = /^(?:好的|收到了|已收到|收到|收悉|明白|马上办理|马上办|马上处理|立即办理)(?=$|[\s,;:.!。、#\d第案])/;
/**
 * A question about a case: "#12 什么情况", "#12 现在到哪了", "#12 整改了没有", "#12 好了吗?" → 查. A question is
 * never recorded as a progress report; a long one (it may carry news too) gets the 进展/查 clarification instead.
 */
const QUESTION = /(?:什么情况|啥情况|怎么样|怎样了|如何|到哪|哪一步|进度呢|进展呢|怎么回事)|(?:吗|呢|了没有?|没有?)\s*[?。!]*$|\?\s*$/;
const QUESTION_MAX = 24;
/** Words between a case number and its verb that change nothing: "#45、#46 都签收", "#45 已签收". */
const ADVERBS = /^(?:都|均|全部|一并|一起|统一|请|先|已经|已)\s*/;
/** "阶段性办结 #12 …": the staged outcome named before the case number. */
const STAGED_FIRST = /^阶段性办结\s*/;

const refText = (r: CaseRef) => (r.kind === "id" ? `#${r.id}` : r.no);

function casualAck(s: string): ParseResult | undefined {
  let rest = s;
  let seen = false;
  for (let m = CASUAL.exec(rest); m; m = CASUAL.exec(rest)) {
    seen = true;
    rest = rest.slice(m[0].length).replace(/^[\s,;:.!。、]+/, "");
  }
  if (!seen) return undefined;
  const r = readRefs(rest);
  if (!r || !("refs" in r)) return undefined;
  return { name: "acknowledge", ...refsOf(r.refs), casual: true };
}

const refsOf = (refs: CaseRef[]) => (refs.length > 1 ? { ref: refs[0], more: refs.slice(1) } : { ref: refs[0] });

/**
 * "同意 #12 办结" / "同意 #12 延期" as leaders write them; a bare "同意 #12" could be either, so it asks which
 * (the two commands with the case number filled in) rather than guessing.
 */
function agreeTo(s: string): ParseResult | undefined {
  const m = /^(?:同意|批准)\s*(?=#|第|\d)/.exec(s);
  if (!m) return undefined;
  const r = readRef(s.slice(m[0].length));
  if (!r || !("ref" in r)) return undefined;
  const no = refText(r.ref);
  const what = r.rest.replace(/^[\s,;:]+/, "");
  if (/^(?:办结|结案|销号)/.test(what)) return dispatch("approve_closure", `${no} ${what.replace(/^(?:办结|结案|销号)\s*/, "")}`);
  if (/^延期/.test(what)) return dispatch("approve_extension", no);
  return {
    error: "UNKNOWN_COMMAND",
    message: `「同意 ${no}」是指哪一项？\n通过办结申请：通过 ${no}\n同意延期申请：同意延期 ${no}`,
    usage: USAGE.approve_closure,
    suggest: ["approve_closure", "approve_extension"],
  };
}

/** What follows one or more leading case numbers. */
function afterRefs(refs: CaseRef[], rest: string): ParseResult {
  if (rest === "") return refs.length === 1 ? { name: "select", ref: refs[0] } : { name: "query", ...refsOf(refs) };
  if (CASUAL.test(rest)) return { name: "acknowledge", ...refsOf(refs), casual: true };
  if (QUESTION.test(rest) && !matchVerb(rest)) return Array.from(rest).length <= QUESTION_MAX ? { name: "query", ...refsOf(refs) } : unknown(`${refText(refs[0])} ${rest}`);
  if (STAGED_FIRST.test(rest) && refs.length === 1) return dispatch("submit_closure", `${refText(refs[0])} ${rest}`);
  const plain = matchVerb(rest.replace(ADVERBS, ""));
  if (plain && (plain.name === "acknowledge" || plain.name === "query")) return dispatch(plain.name, `${refs.map(refText).join(" ")} ${plain.rest}`);
  const after = matchVerb(rest);
  if (after?.name === "progress" && /^(?:如何|怎么样了?|怎样了?|呢|情况如何|到哪了?)\s*[?。!]*$/.test(after.rest.trim())) return { name: "query", ...refsOf(refs) }; // "#45 进度如何"
  if (after && (after.name === "help" || NO_ARGS.has(after.name))) return dispatch(after.name, after.rest);
  if (after && after.name !== "assign") return dispatch(after.name, `${refs.map(refText).join(" ")} ${after.rest}`);
  // A sentence that names one case is a progress report (issue 11: "#81 已经处理好了").
  if (!after && refs.length === 1 && /\p{Script=Han}/u.test(rest)) return dispatch("progress", `${refText(refs[0])} ${rest}`);
  return unknown(rest);
}

/** How officials are held to account (问责), as the inspection reports word it; the first one named is the action. */
const ACCOUNTABILITY_ACTIONS = ["诫勉谈话", "约谈", "通报批评", "书面检查", "责令检查", "党纪处分", "政务处分", "组织处理", "免职", "停职", "问责"];

type RefsRead = { refs: CaseRef[]; rest: string } | { bad: string } | undefined;

/** One or more case numbers at the start ("#88 #91", "88号、91号", "#88和#91"), without repeats. */
export function readRefs(text: string): RefsRead {
  const first = readRef(text);
  if (!first || "bad" in first) return first;
  const refs = [first.ref];
  let rest = first.rest;
  for (;;) {
    const cand = rest.replace(/^(?:[\s,;、]|和|及|与)+/, "");
    const next = readRef(cand);
    if (!next || "bad" in next || !/^(?:[\s,;、]|和|及|与)*(?:#|第|案|\d|[A-Za-z])/.test(rest)) break;
    // "#12 2号楼已整改" is one case and a sentence: a further number counts only when it stands apart.
    const glued = next.rest !== "" && !/^(?:[\s,;、#]|和|及|与)/.test(next.rest) && !/[\s,;:]$/.test(cand.slice(0, cand.length - next.rest.length));
    if (glued && !matchVerb(next.rest) && !CASUAL.test(next.rest)) break;
    if (!refs.some((r) => refText(r) === refText(next.ref))) refs.push(next.ref);
    rest = next.rest;
  }
  return { refs, rest };
}

type RefRead = { ref: CaseRef; rest: string } | { bad: string } | undefined;

/**
 * A case reference at the start: #12, 12号, 第12号, 案件12, 案件 12, 案件号:12, 受理编号
 * D3SX202505280018 or a bare 12 (followed by a space, a separator or the end).
 */
export function readRef(text: string): RefRead {
  const s = text.replace(/^[\s:,;]+/, "");
  let m =
    /^#\s*(\d+)(?:号件?)?/.exec(s) ??
    /^第?(\d+)\s*号(?:案件|案子|件|案)?/.exec(s) ??
    /^(?:案件号?|案号)\s*[:#]?\s*(\d+)号?/.exec(s) ??
    /^(\d+)(?=$|[\s,;:])/.exec(s);
  if (m) {
    const digits = m[1].replace(/^0+(?=\d)/, "");
    const id = Number(digits);
    if (digits.length > 9 || id < 1) return { bad: m[0] };
    return { ref: { kind: "id", id }, rest: s.slice(m[0].length).replace(/^[\s:,;]+/, "") };
  }
  m = /^[A-Za-z][A-Za-z0-9]*/.exec(s);
  if (m && isExternalNo(m[0])) return { ref: { kind: "external", no: m[0].toUpperCase() }, rest: s.slice(m[0].length).replace(/^[\s:,;]+/, "") };
  m = /^(?:#|案件号?|案号)\S*/.exec(s);
  if (m) return { bad: m[0] };
  return undefined;
}

const fail = (command: CommandName, error: ParseError["error"], message: string, usage: string = USAGE[command]): ParseError => ({
  error,
  command,
  message,
  usage,
});

function dispatch(name: CommandName, rawRest: string): ParseResult {
  const rest = rawRest.replace(/^[\s:,;]+/, "").trim();
  switch (name) {
    case "help": {
      const topic = matchVerb(rest)?.name ?? (COMMAND_NAMES.has(rest) ? (rest as CommandName) : undefined);
      return topic ? { name: "help", topic } : { name: "help" };
    }
    case "mine":
    case "overdue":
    case "stats":
    case "login":
      return { name };
    case "assign":
      return parseAssign(rest);
  }
  const verb = VERB_OF[name];
  const several = name === "acknowledge" || name === "query"; // 签收 #88 #91, 查 #12 #15 (issue 11)
  const text = name === "query" ? rest.replace(/^一?下\s*/, "") : rest; // 查一下 #12
  const rs = several ? readRefs(text) : undefined;
  if (rs && "refs" in rs && rs.refs.length > 1) return { name: name as "acknowledge" | "query", ...refsOf(rs.refs) };
  const r = readRef(text);
  // "照片……" without a case number is a caption sent with photos, not a re-mark: let the photos through.
  if (name === "remark_photo" && (!r || "bad" in r)) return fail(name, "UNKNOWN_COMMAND", `更正照片标记需要写明案件号。`);
  if (!r) {
    return rest === ""
      ? fail(name, "MISSING_CASE", `${verb}需要写明案件号。`)
      : fail(name, "BAD_CASE", `没有识别到案件号：「${clip(rest)}」。案件号写作 #12、12号 或受理编号。`);
  }
  if ("bad" in r) return fail(name, "BAD_CASE", `案件号「${clip(r.bad)}」不正确。`);
  const { ref } = r;
  const arg = r.rest.trim();
  const needText = (what: string): ParseError => fail(name, "MISSING_ARGUMENT", `${verb}需要写明${what}。`);

  switch (name) {
    case "approve_closure":
      return arg ? { name, ref, note: arg } : { name, ref };
    case "remark_photo":
      return parseRemarkPhoto(ref, arg);
    case "acknowledge":
    case "approve_extension":
    case "flag":
    case "unflag":
    case "chase":
    case "query":
    case "select":
      return { name, ref };
    case "return":
    case "refuse_extension":
    case "reject_closure":
    case "cancel":
      return arg ? { name, ref, reason: arg } : needText("原因");
    case "reassign": {
      const unit = arg.replace(/^(?:交给|改给|给|到|至)\s*/, "").trim();
      return unit ? { name, ref, unit } : needText("新的牵头单位（给 单位名）");
    }
    case "assign_officer": {
      const person = (arg.replace(/^(?:交给|给|由)\s*/, "").split(/\s/)[0] ?? "").replace(/^@/, "").replace(/[,;:。.]+$/, "");
      return person ? { name, ref, person } : needText("责任人（给 @姓名）");
    }
    case "progress": {
      const text = arg.replace(/^情况\s*:\s*/, ""); // "进展情况：…"
      if (!text) return needText("进展情况");
      const phase = phaseFromText(text); // 整改后/整改完成/已整改 → after; 整改前/现场/问题 → before (issue 10)
      return phase ? { name, ref, text, phase } : { name, ref, text };
    }
    case "request_extension": {
      const a = arg.replace(/^(?:延期至|延期到|延长至|延长到|延至|延到|至|到)\s*/, "");
      if (!a) return needText("新的日期和原因");
      const d = parseDeadlinePrefix(a);
      if (!d) return fail(name, "BAD_DEADLINE", `没有识别到延期日期：「${clip(a)}」。`);
      if (!d.ok) return fail(name, "BAD_DEADLINE", `日期「${clip(d.text)}」不正确。`);
      const reason = d.rest.replace(/^[\s:,;]+/, "").replace(/^(?:原因|理由)\s*(?:是|为)?\s*:?\s*(?=\S)/, "");
      return reason ? { name, ref, deadline: d.spec, reason } : needText("延期原因");
    }
    case "unmerge":
      return { name, ref };
    case "merge":
    case "not_duplicate": {
      const rest2 = arg.replace(/^(?:并入到|并入|并到|合并到|归入|到|至|和|与|跟)\s*/, "");
      const other = rest2 ? readRef(rest2) : undefined;
      if (other && "ref" in other && other.rest === "" && refText(other.ref) !== refText(ref)) return name === "merge" ? { name, ref, into: other.ref } : { name, ref, other: other.ref };
      if (name === "not_duplicate" && !arg) return { name, ref };
      if (other && "ref" in other && refText(other.ref) === refText(ref)) return fail(name, "BAD_VALUE", `${refText(ref)} 不能与自身${verb}。`);
      return name === "merge" && !arg ? needText("要并入的原案件号（到 #原案件号）") : fail(name, "BAD_CASE", `没有识别到${name === "merge" ? "要并入的原" : "疑似重复的"}案件号：「${clip(arg)}」。`);
    }
    case "hold_accountable": {
      if (!arg) return needText("问责处理方式和对象（例如：约谈 街道分管负责人）");
      const action = ACCOUNTABILITY_ACTIONS.find((a) => arg.startsWith(a)) ?? ACCOUNTABILITY_ACTIONS.find((a) => arg.includes(a));
      return action ? { name, ref, action, text: arg } : { name, ref, text: arg };
    }
    case "patrol": {
      if (!arg) return needText("巡查结果：正常 或 反弹");
      const m = /^(未发现反弹|没有反弹|无反弹|未反弹|正常|良好|ok|有反弹|反弹|复发)/i.exec(arg);
      if (!m) return fail(name, "BAD_VALUE", `巡查结果「${clip(arg, 8)}」无法识别，只能是：正常、反弹。`);
      const result = /反弹|复发/.test(m[1]) && !/^(未|没有|无)/.test(m[1]) ? "rebound" : "ok";
      const note = arg.slice(m[0].length).replace(/^[\s:,;]+/, "");
      return note ? { name, ref, result, note } : { name, ref, result };
    }
    case "submit_closure": {
      const body = parseClosureBody(arg);
      if ("fields" in body) return { name, ref, fields: body.fields };
      const { key, value } = body.problem;
      const v = clip(value);
      if (key === "handlingClass") return fail(name, "BAD_VALUE", `分类「${v}」不正确，只能是：保留经营、限期整改、关停取缔、无需整改。`, FIELD_USAGE.handlingClass);
      if (key === "callback") return fail(name, "BAD_VALUE", `回访结果「${v}」无法识别，只能是：满意、基本满意、不满意、无法联系。`, FIELD_USAGE.callback);
      if (key === "outcome") return fail(name, "BAD_VALUE", `结果「${v}」无法识别，只能是：已办结、阶段性办结。`, FIELD_USAGE.outcome);
      return fail(name, "BAD_DEADLINE", `下一节点日期「${v}」无法识别或日期不正确。`, FIELD_USAGE.milestone);
    }
  }
}

/** A case number anywhere in a sentence ("…关于81号件的情况…"), for a clarification that names it. */
const REF_INSIDE = /#\s*(\d{1,9})|第?(\d{1,9})\s*号(?:件|案件|案子|案)?|案件\s*(\d{1,9})/;

/**
 * UNKNOWN_COMMAND with the one or two commands the sender most likely meant (issue 11): the closest verb for a
 * typo, 进展/查 (or 催办/查) for a sentence that names a case, else 我的/帮助. The sender's words are echoed only
 * when they are a short typo of a verb — never a message cut mid-word.
 */
function unknown(s: string): ParseError {
  const token = s.split(/\s/)[0] ?? "";
  const word = Array.from(token.split("#")[0] || token).slice(0, 8).join("");
  // Closest verb by edit distance relative to the verb's length; more shared characters win a tie.
  let best: { r: number; len: number; shared: number; name: CommandName } = { r: Infinity, len: 0, shared: 0, name: "help" };
  const cps = Array.from(word);
  for (const [verb, name] of VERBS) {
    if (/^[a-z?]+$/.test(verb)) continue;
    const d = Math.min(distance(cps.slice(0, verb.length).join(""), verb), distance(cps.slice(0, verb.length + 1).join(""), verb));
    const r = d / verb.length;
    const shared = new Set(cps.filter((c) => verb.includes(c))).size;
    if (r < best.r || (r === best.r && shared > best.shared)) best = { r, len: verb.length, shared, name };
  }
  // A verb at most half of which had to change, typed as a short word of its own.
  const typo = Array.from(word.replace(/\d.*$/, ""));
  if (best.r <= 0.5 && best.name !== "help" && typo.length <= best.len + 2) {
    return {
      error: "UNKNOWN_COMMAND",
      message: `无法识别命令「${typo.join("")}」。您是不是要用「${VERB_OF[best.name]}」？发送「帮助」查看全部命令。`,
      usage: USAGE[best.name],
      suggest: [best.name],
    };
  }
  const m = REF_INSIDE.exec(s);
  if (m) {
    const no = `#${Number(m[1] ?? m[2] ?? m[3])}`;
    const urge = /尽快|抓紧|催|赶紧/.test(s);
    const first: CommandName = urge ? "chase" : "progress";
    const line = urge ? `催办：催办 ${no}` : `报送进展：进展 ${no} 进展情况`;
    return {
      error: "UNKNOWN_COMMAND",
      message: `没有看懂这条消息。关于 ${no}，您是想——\n${line}\n查看案件：查 ${no}`,
      usage: USAGE[first],
      suggest: [first, "query"],
    };
  }
  return {
    error: "UNKNOWN_COMMAND",
    message: "没有看懂这条消息。常用命令：我的（本单位待办）、帮助（全部命令）。",
    usage: USAGE.mine,
    suggest: ["mine", "help"],
  };
}

/** Levenshtein distance over code points. */
function distance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** 照片 #12 第2张 改为整改后 / 第2、3张 / 第2-4张 (issue 10 item 5). */
function parseRemarkPhoto(ref: CaseRef, arg: string): ParseResult {
  const m = /^第?\s*([\d\s、,，和及-]+?)\s*张?\s*(?:照片)?\s*(?:改为|改成|标为|标记为|设为|是)\s*(整改后|整改前)(?:照片)?$/.exec(arg);
  // "照片 #12 整改后" sent with photos is a caption naming the case, not a re-mark: let the photos through.
  if (!m && !/改为|改成|标为|标记为|设为/.test(arg)) return fail("remark_photo", "UNKNOWN_COMMAND", `没有看懂要改哪几张照片：「${clip(arg)}」。`);
  if (!m) return fail("remark_photo", "BAD_VALUE", `没有看懂要改哪几张照片：「${clip(arg)}」。`);
  const nos = new Set<number>();
  for (const part of m[1].split(/[\s、,，和及]+/).filter(Boolean)) {
    const r = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(part);
    if (!r) return fail("remark_photo", "BAD_VALUE", `照片序号「${clip(part)}」不正确。`);
    const a = Number(r[1]);
    const b = r[2] ? Number(r[2]) : a;
    if (a < 1 || b < a || b - a > 50) return fail("remark_photo", "BAD_VALUE", `照片序号「${clip(part)}」不正确。`);
    for (let i = a; i <= b; i++) nos.add(i);
  }
  return { name: "remark_photo", ref, nos: [...nos].sort((x, y) => x - y), phase: m[2] === "整改后" ? "after" : "before" };
}
