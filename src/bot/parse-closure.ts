/** The lines of a multi-line 办结 (spec §2.2 "四不放过"): 核查 / 整改 / 分类 / 责任 / 回访 / 结果 / 节点. */
import type { AccountabilityAction, CallbackResult, ClosureFields, HandlingClass, Verdict } from "./commands.js";
import { parseDeadlinePrefix } from "../domain/deadline-text.js";

export type ClosureKey = "finding" | "rectification" | "handlingClass" | "accountability" | "callback" | "outcome" | "milestone";

/** Line keys and their synonyms, longest first so that "下一节点" wins over "节点". */
const KEYS: [string, ClosureKey][] = (
  [
    ["调查核实情况", "finding"], ["核查情况", "finding"], ["核实情况", "finding"], ["调查情况", "finding"],
    ["核查", "finding"], ["调查", "finding"], ["核实", "finding"],
    ["处理和整改情况", "rectification"], ["整改情况", "rectification"], ["处理情况", "rectification"],
    ["整改", "rectification"], ["处理", "rectification"],
    ["处置分类", "handlingClass"], ["处置方式", "handlingClass"], ["分类", "handlingClass"], ["处置", "handlingClass"],
    ["责任落实", "accountability"], ["责任", "accountability"], ["问责", "accountability"],
    ["群众满意度", "callback"], ["满意度", "callback"], ["回访", "callback"],
    ["办结结果", "outcome"], ["结果", "outcome"],
    ["下一节点", "milestone"], ["下个节点", "milestone"], ["下一步节点", "milestone"], ["节点", "milestone"],
  ] as [string, ClosureKey][]
).sort((a, b) => b[0].length - a[0].length);

export const HANDLING_CLASSES: HandlingClass[] = ["保留经营", "限期整改", "关停取缔", "无需整改"];
export const CALLBACK_RESULTS: CallbackResult[] = ["满意", "基本满意", "不满意", "无法联系"];

/** A closure line key at the start of `s`, followed by ":" or a space (or nothing). */
export function closureKeyAt(s: string): { key: ClosureKey; value: string } | undefined {
  for (const [word, key] of KEYS) {
    if (!s.startsWith(word)) continue;
    const after = s.slice(word.length);
    // "下一节点12月30日": a date may follow a milestone key directly.
    if (after === "" || /^[:\s]/.test(after) || (key === "milestone" && /^[\d本下月]/.test(after))) return { key, value: after.replace(/^[\s:]+/, "").trim() };
  }
  return undefined;
}

/** Splits the 办结 body into lines: newlines always, ";" only where a key follows. */
export function closureLines(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split("\n")) {
    const parts = line.split(";");
    let cur = parts[0];
    for (const p of parts.slice(1)) {
      if (closureKeyAt(p.trim())) {
        out.push(cur.trim());
        cur = p;
      } else cur += ";" + p;
    }
    out.push(cur.trim());
  }
  return out.filter((l) => l !== "");
}

export function verdictOf(text: string): Verdict | undefined {
  if (text.includes("部分属实") || text.includes("不完全属实")) return "部分属实";
  if (text.includes("不属实")) return "不属实";
  if (text.includes("属实")) return "属实";
  return undefined;
}

const NEGATED = /(无需|不予|不需|免于|免予|未|不)$/;
const NONE_ACTION = /^(无|没有)$|^无[,;。. ]|无需(问责|追责)|不予(问责|追责)|不追责/;

export function actionOf(text: string): AccountabilityAction | undefined {
  let best: { at: number; action: AccountabilityAction } | undefined;
  for (const action of ["约谈", "责令整改", "立案处罚", "问责"] as const) {
    let from = 0;
    for (let at = text.indexOf(action, from); at >= 0; at = text.indexOf(action, from)) {
      from = at + 1;
      if (NEGATED.test(text.slice(Math.max(0, at - 2), at))) continue;
      if (!best || at < best.at) best = { at, action };
      break;
    }
  }
  const none = NONE_ACTION.exec(text);
  if (none && (!best || none.index < best.at)) return "无";
  if (best) return best.action;
  if (/罚款|处罚/.test(text)) return "立案处罚";
  return undefined;
}

export function penaltyOf(text: string): number | undefined {
  const m = /罚款\s*(?:人民币)?\s*(\d{1,9}(?:\.\d{1,4})?)\s*(万)?\s*元?/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]) * (m[2] ? 10000 : 1);
  return Number.isFinite(v) ? Math.round(v * 100) / 100 : undefined;
}

/** The longest callback result found in the text, and the text without it as the note. */
export function callbackOf(text: string): { result: CallbackResult; note?: string } | undefined {
  let best: { at: number; word: CallbackResult } | undefined;
  for (const word of CALLBACK_RESULTS) {
    const at = text.indexOf(word);
    if (at < 0) continue;
    if (!best || word.length > best.word.length || (word.length === best.word.length && at < best.at)) best = { at, word };
  }
  if (!best) return undefined;
  const note = tidy(`${text.slice(0, best.at)} ${text.slice(best.at + best.word.length)}`);
  return note ? { result: best.word, note } : { result: best.word };
}

/** Trims spaces and separators at both ends and collapses inner space runs. */
export function tidy(s: string): string {
  return s.replace(/[^\S\n]+/g, " ").replace(/^[\s,;:.。、]+|[\s,;:.。、]+$/g, "");
}

export type ClosureProblem = { key: "handlingClass" | "callback" | "outcome" | "milestone"; value: string };

/** "阶段性办结，下一节点12月30日" as people write it: the outcome first, the milestone (if any) after it. */
const STAGED = /^(?:结果\s*:?\s*)?阶段性办结/;

/** A milestone key inside a staged-closure line. */
const MILESTONE_INSIDE = /(?:下一步节点|下一节点|下个节点|节点)(?=[:\s\d本下月])/;

/** Reads the key lines; unknown lines are ignored; a repeated key appends with ";". */
export function parseClosureBody(body: string): { fields: ClosureFields } | { problem: ClosureProblem } {
  const values = new Map<ClosureKey, string>();
  for (const raw of closureLines(body)) {
    let line = raw;
    const staged = STAGED.exec(line);
    if (staged) {
      values.set("outcome", "阶段性办结");
      line = line.slice(staged[0].length).replace(/^[\s,;:.。]+/, "");
      // "阶段性办结 已停业整改 下一节点 1月15日": what was done so far, then the milestone, on one line.
      const at = closureKeyAt(line) ? -1 : line.search(MILESTONE_INSIDE);
      if (at > 0) {
        const done = tidy(line.slice(0, at));
        if (done && !values.has("rectification")) values.set("rectification", done);
        line = line.slice(at);
      } else if (at < 0 && line && !closureKeyAt(line) && !values.has("rectification")) {
        values.set("rectification", tidy(line));
        continue;
      }
    }
    const k = closureKeyAt(line);
    if (!k || k.value === "") continue;
    const prev = values.get(k.key);
    values.set(k.key, prev === undefined ? k.value : `${prev};${k.value}`);
  }
  const fields: ClosureFields = {};
  const finding = values.get("finding");
  if (finding !== undefined) {
    fields.finding = finding;
    const verdict = verdictOf(finding);
    if (verdict) fields.verdict = verdict;
  }
  const rect = values.get("rectification");
  if (rect !== undefined) fields.rectification = rect;
  const cls = values.get("handlingClass");
  if (cls !== undefined) {
    const found = HANDLING_CLASSES.filter((c) => cls.includes(c));
    if (found.length !== 1) return { problem: { key: "handlingClass", value: cls } };
    fields.handlingClass = found[0];
  }
  const acc = values.get("accountability");
  if (acc !== undefined) {
    fields.accountability = acc;
    const action = actionOf(acc);
    if (action) fields.accountabilityAction = action;
    const amount = penaltyOf(acc);
    if (amount !== undefined) fields.penaltyAmount = amount;
  }
  const cb = values.get("callback");
  if (cb !== undefined) {
    const r = callbackOf(cb);
    if (!r) return { problem: { key: "callback", value: cb } };
    fields.callbackResult = r.result;
    if (r.note) fields.callbackNote = r.note;
  }
  const outcome = values.get("outcome");
  if (outcome !== undefined) {
    if (outcome.includes("阶段")) fields.outcome = "staged";
    else if (/办结|完成|结案/.test(outcome)) fields.outcome = "closed";
    else return { problem: { key: "outcome", value: outcome } };
  }
  const ms = values.get("milestone");
  if (ms !== undefined) {
    const d = parseDeadlinePrefix(ms);
    if (!d?.ok || d.rest !== "") return { problem: { key: "milestone", value: ms } };
    fields.milestone = d.spec;
  }
  return { fields };
}
