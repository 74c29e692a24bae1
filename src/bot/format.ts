/**
 * Canonical text of a command (R10): `parse(formatCommand(cmd))` deep-equals `cmd` for every valid
 * command. "Valid" means what the parser itself could produce: text fields are normalised
 * (`normalize(s) === s`), non-empty, single-line except 进展 text, and do not begin with a
 * separator (":" "," ";") or with the keyword the parser strips in that place ("给", "@"); derived
 * fields agree with their text (progress phase with 整改前/整改后, verdict with the 核查 line,
 * accountabilityAction and penaltyAmount with the 责任 line); 交办 fields contain no keyword tokens.
 */
import type { CaseRef, ClosureFields, Command } from "./commands.js";
import { formatDeadline } from "../domain/deadline-text.js";
import { VERB_OF } from "./verbs.js";

export { formatDeadline } from "../domain/deadline-text.js";

export function formatRef(ref: CaseRef): string {
  return ref.kind === "id" ? `#${ref.id}` : ref.no;
}

export function formatCommand(cmd: Command): string {
  const v = VERB_OF[cmd.name];
  switch (cmd.name) {
    case "help":
      return cmd.topic ? `${v} ${VERB_OF[cmd.topic]}` : v;
    case "mine":
    case "overdue":
    case "stats":
    case "login":
      return v;
    case "select":
      return formatRef(cmd.ref);
    case "assign": {
      const parts = [v, cmd.content, "给", cmd.leadUnit];
      if (cmd.coUnits.length) parts.push("配合", cmd.coUnits.join("、"));
      if (cmd.deadline) parts.push("限", formatDeadline(cmd.deadline));
      if (cmd.leader) parts.push("督办", cmd.leader);
      if (cmd.priority === "urgent") parts.push("紧急");
      if (cmd.priority === "focus") parts.push("重点关注");
      if (cmd.externalNo) parts.push("编号", cmd.externalNo);
      if (cmd.complainant) parts.push("来电人", cmd.complainant);
      if (cmd.address) parts.push("地址", cmd.address);
      if (cmd.area) parts.push("区域", cmd.area);
      return parts.join(" ");
    }
    case "approve_closure":
      return `${v} ${formatRef(cmd.ref)}${cmd.note ? ` ${cmd.note}` : ""}`;
    case "remark_photo":
      return `${v} ${formatRef(cmd.ref)} 第${cmd.nos.join("、")}张 改为${cmd.phase === "after" ? "整改后" : "整改前"}`;
    case "acknowledge":
    case "query":
      return [v, ...[cmd.ref, ...(cmd.more ?? [])].map(formatRef)].join(" ");
    case "approve_extension":
    case "flag":
    case "unflag":
    case "chase":
      return `${v} ${formatRef(cmd.ref)}`;
    case "hold_accountable":
      return `${v} ${formatRef(cmd.ref)} ${cmd.text}`;
    case "merge":
      return `${v} ${formatRef(cmd.ref)} 到 ${formatRef(cmd.into)}`;
    case "not_duplicate":
      return `${v} ${formatRef(cmd.ref)}${cmd.other ? ` ${formatRef(cmd.other)}` : ""}`;
    case "unmerge":
      return `${v} ${formatRef(cmd.ref)}`;
    case "return":
    case "refuse_extension":
    case "reject_closure":
    case "cancel":
      return `${v} ${formatRef(cmd.ref)} ${cmd.reason}`;
    case "reassign":
      return `${v} ${formatRef(cmd.ref)} 给 ${cmd.unit}`;
    case "assign_officer":
      return `${v} ${formatRef(cmd.ref)} 给 @${cmd.person}`;
    case "progress":
      return `${v} ${formatRef(cmd.ref)} ${cmd.text}`;
    case "request_extension":
      return `${v} ${formatRef(cmd.ref)} 至 ${formatDeadline(cmd.deadline)} ${cmd.reason}`;
    case "patrol":
      return `${v} ${formatRef(cmd.ref)} ${cmd.result === "ok" ? "正常" : "反弹"}${cmd.note ? ` ${cmd.note}` : ""}`;
    case "submit_closure":
      return [`${v} ${formatRef(cmd.ref)}`, ...formatClosureLines(cmd.fields)].join("\n");
  }
}

/** The 办结 lines, one per recorded field group. */
export function formatClosureLines(f: ClosureFields): string[] {
  const lines: string[] = [];
  if (f.finding !== undefined || f.verdict) lines.push(`核查：${f.finding ?? f.verdict}`);
  if (f.rectification !== undefined) lines.push(`整改：${f.rectification}`);
  if (f.handlingClass) lines.push(`分类：${f.handlingClass}`);
  if (f.accountability !== undefined) lines.push(`责任：${f.accountability}`);
  else if (f.accountabilityAction || f.penaltyAmount !== undefined) {
    const fine = f.penaltyAmount !== undefined ? `罚款${f.penaltyAmount}元` : "";
    lines.push(`责任：${[f.accountabilityAction ?? "", fine].filter(Boolean).join("，")}`);
  }
  if (f.callbackResult || f.callbackNote) lines.push(`回访：${[f.callbackResult, f.callbackNote].filter(Boolean).join(" ")}`);
  if (f.outcome) lines.push(`结果：${f.outcome === "staged" ? "阶段性办结" : "已办结"}`);
  if (f.milestone) lines.push(`节点：${formatDeadline(f.milestone)}`);
  return lines;
}
