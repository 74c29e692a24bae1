/**
 * 交办: `交办 <content> 给 <lead> 配合 <co、co> 限 <deadline> 督办 <leader> [紧急|重点关注] [编号 <受理编号>]
 * [来电人 <name> <phone>] [地址 <address>] [区域 <area>]`. The content is the text before the first keyword; a keyword starts after a space
 * (or "," ";"). The complainant part (来电人/联系人/举报人…) is kept out of the content and so out of the title:
 * it is stored in `cases.complainant`, shown only through the audited reveal (R40).
 */
import type { Command, ParseError, Priority } from "./commands.js";
import { splitComplainant } from "./parse-complainant.js";
import { parseDeadlinePrefix } from "../domain/deadline-text.js";
import { FIELD_USAGE, USAGE } from "./verbs.js";

type AssignKey = "lead" | "co" | "deadline" | "leader" | "externalNo" | "complainant" | "address" | "area";

const KEYWORDS: [string, AssignKey][] = (
  [
    ["牵头单位", "lead"], ["牵头", "lead"], ["交给", "lead"], ["给", "lead"], ["由", "lead"],
    ["配合单位", "co"], ["配合", "co"], ["协办", "co"],
    ["限期", "deadline"], ["时限", "deadline"], ["期限", "deadline"], ["限", "deadline"],
    ["包案领导", "leader"], ["督办领导", "leader"], ["督办", "leader"], ["包案", "leader"],
    ["受理编号", "externalNo"], ["编号", "externalNo"],
    ["来电人", "complainant"], ["来信人", "complainant"], ["联系人", "complainant"], ["举报人", "complainant"],
    ["投诉人", "complainant"], ["反映人", "complainant"], ["信访人", "complainant"],
    ["地址", "address"], ["地点", "address"], ["位置", "address"],
    ["行政区域", "area"], ["所在区域", "area"], ["区域", "area"],
  ] as [string, AssignKey][]
).sort((a, b) => b[0].length - a[0].length);

const KEY_LABEL: Record<AssignKey, string> = { lead: "牵头单位（给）", co: "配合单位", deadline: "时限（限）", leader: "督办领导", externalNo: "受理编号", complainant: "来电人（联系人）", address: "地址", area: "区域" };

export const EXTERNAL_NO = /^[A-Za-z][A-Za-z0-9]{7,31}$/;
export const isExternalNo = (s: string): boolean => EXTERNAL_NO.test(s) && /\d/.test(s);

const URGENT = ["紧急", "加急", "特急"];
const FOCUS = ["重点关注"];
/** A unit name ends with one of these; "和" after one of them separates two units. */
const UNIT_SUFFIX = /(局|街道|办|委|所|队|镇|乡|中心|公司|院|站|处|科|部|厅|组|会|室|厂|社区|村|园区)$/;

/** The keyword starting at position i (only at a token start), if any. */
function keywordAt(s: string, i: number): { key: AssignKey; word: string } | undefined {
  if (i > 0 && !/[\s,;(。、]/.test(s[i - 1])) return undefined;
  for (const [word, key] of KEYWORDS) {
    if (!s.startsWith(word, i)) continue;
    if (key !== "complainant" && i > 0 && !/[\s,;]/.test(s[i - 1])) continue; // "…，来电人李四" after a comma too
    // "举报人反映夜间施工" is the complaint itself: a complainant part needs a name or a phone after the marker.
    if (key === "complainant" && !splitComplainant(s.slice(i + word.length, i + word.length + 40).replace(/^[\s:]+/, ""))) continue;
    const next = s.charAt(i + word.length);
    const spaced = next === "" || /[\s:]/.test(next);
    if ((key === "address" || key === "area") && (!spaced || next === "")) continue; // "地址 …" / "区域：…" only
    if (word === "由") {
      if (!spaced) continue; // "由于…" is not a keyword
    } else if (word === "给") {
      if (next === "予") continue; // "给予…"
    } else if (word === "限" && !spaced && !/[\d本这下周星礼月一二两三四五六七八九十]/.test(next)) continue;
    return { key, word };
  }
  return undefined;
}

/** Splits co-units on 、 , ; spaces, and on 和 when the left part already ends like a unit name. */
export function splitUnits(s: string): string[] {
  const out: string[] = [];
  for (const piece of s.split(/[、,;\s]+/)) {
    let cur = "";
    for (const part of piece.split("和")) {
      if (cur === "") cur = part;
      else if (UNIT_SUFFIX.test(cur) && part !== "") {
        out.push(cur);
        cur = part;
      } else cur += "和" + part;
    }
    if (cur !== "") out.push(cur);
  }
  return [...new Set(out.filter((u) => u !== ""))];
}

const err = (error: ParseError["error"], message: string, usage: string = USAGE.assign): ParseError => ({ error, command: "assign", message, usage });

export function parseAssign(rest: string): Command | ParseError {
  // Flags are whole tokens anywhere in the text.
  let priority: Priority = "normal";
  let s = rest.replace(/(^|\s)(紧急|加急|特急|重点关注|【紧急】|【重点关注】)(?=\s|$)/g, (_m, pre: string, flag: string) => {
    const f = flag.replace(/[【】]/g, "");
    if (URGENT.includes(f)) priority = "urgent";
    else if (FOCUS.includes(f) && priority === "normal") priority = "focus";
    return pre;
  });
  s = s.replace(/[^\S\n]{2,}/g, " ").trim();

  const marks: { key: AssignKey; word: string; at: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = keywordAt(s, i);
    if (k) {
      marks.push({ ...k, at: i });
      i += k.word.length - 1;
    }
  }
  let content = (marks.length ? s.slice(0, marks[0].at) : s).replace(/[\s,;:(。、]+$/, "").trim();
  const values = new Map<AssignKey, string>();
  for (let j = 0; j < marks.length; j++) {
    const m = marks[j];
    const end = j + 1 < marks.length ? marks[j + 1].at : s.length;
    const value = s.slice(m.at + m.word.length, end).replace(/^[\s:]+|[\s,;(。、]+$/g, "");
    if (value === "" && values.has(m.key)) continue; // "由 荷花池街道 牵头"
    if (values.has(m.key) && m.key !== "co") return err("BAD_VALUE", `交办的${KEY_LABEL[m.key]}写了两次，请只写一个。`);
    values.set(m.key, values.has(m.key) ? `${values.get(m.key)}、${value}` : value);
  }

  let externalNo: string | undefined;
  if (values.has("externalNo")) {
    const no = values.get("externalNo")!;
    if (!isExternalNo(no)) return err("BAD_VALUE", `受理编号「${clip(no)}」格式不对，应为字母开头的字母数字组合。`, FIELD_USAGE.externalNo);
    externalNo = no.toUpperCase();
  } else {
    const tokens = content.split(" ");
    const k = tokens.findIndex(isExternalNo);
    if (k >= 0) {
      externalNo = tokens[k].toUpperCase();
      content = tokens.filter((_, i) => i !== k).join(" ").trim();
    }
  }

  let complainant: string | undefined;
  if (values.has("complainant")) {
    const c = splitComplainant(values.get("complainant")!);
    if (!c) return err("MISSING_ARGUMENT", "「来电人」后面缺少姓名或电话，例如：来电人 李四 13812345678。");
    complainant = c.who;
    // Words after the name and phone are the complaint ("来电人 李四 138… 反映夜间施工").
    if (c.rest) content = content ? `${content} ${c.rest}` : c.rest;
  }

  if (content === "") return err("MISSING_ARGUMENT", "交办缺少问题描述：请在「交办」后面先写问题，再写「给 牵头单位」。");
  let leadUnit = values.get("lead");
  if (leadUnit === undefined || leadUnit === "") return err("MISSING_ARGUMENT", "交办缺少牵头单位：请写「给 单位名」。");
  // "给 荷花池街道 20号前", "配合 城管局 12月20日": a deadline after the units without 限 (unit names have no spaces).
  const dateAtEnd = (v: string): [string, string] | undefined => {
    const tail = /\s(\S+)$/.exec(v);
    const d = tail && !values.has("deadline") ? parseDeadlinePrefix(tail[1]) : undefined;
    return tail && d?.ok && d.rest === "" ? [v.slice(0, tail.index).trim(), tail[1]] : undefined;
  };
  for (const key of ["lead", "co"] as const) {
    const split = values.has(key) ? dateAtEnd(values.get(key)!) : undefined;
    if (!split) continue;
    values.set(key, split[0]);
    values.set("deadline", split[1]);
    if (key === "lead") leadUnit = split[0];
  }
  const cmd: Extract<Command, { name: "assign" }> = { name: "assign", content, leadUnit, coUnits: splitUnits(values.get("co") ?? ""), priority };

  const dl = values.get("deadline");
  if (dl !== undefined) {
    if (dl === "") return err("MISSING_ARGUMENT", "「限」后面缺少时限。", FIELD_USAGE.deadline);
    const d = parseDeadlinePrefix(dl);
    if (!d?.ok || d.rest !== "") return err("BAD_DEADLINE", `时限「${clip(dl)}」无法识别或日期不正确。`, FIELD_USAGE.deadline);
    cmd.deadline = d.spec;
  }
  const leader = values.get("leader");
  if (leader !== undefined) {
    const name = leader.replace(/^@/, "").trim();
    if (name === "") return err("MISSING_ARGUMENT", "「督办」后面缺少领导姓名。");
    cmd.leader = name;
  }
  for (const key of ["address", "area"] as const) {
    const v = values.get(key);
    if (v === undefined) continue;
    if (v === "") return err("MISSING_ARGUMENT", `「${KEY_LABEL[key]}」后面缺少内容，例如：地址 金牛大道18号；区域 金牛区。`);
    cmd[key] = v;
  }
  if (externalNo) cmd.externalNo = externalNo;
  if (complainant) cmd.complainant = complainant;
  return cmd;
}

export function clip(s: string, n = 20): string {
  const cps = Array.from(s);
  return cps.length > n ? cps.slice(0, n).join("") + "…" : s;
}
