/** The "四不放过" closure gate (spec §2.2): what is still missing before 申请办结 is accepted. */
import type { ClosureFields } from "./values.js";

export type GateInput = ClosureFields & { afterPhotos: number };

export type GateItem = { item: "查清" | "整改到位" | "责任落实" | "群众满意" | "办结类型"; missing: string; example: string };

export function missingForClosure(f: GateInput): GateItem[] {
  const out: GateItem[] = [];
  if (!f.finding || !f.verdict) {
    out.push({ item: "查清", missing: !f.finding ? "调查核实情况" : "核实结论（属实/部分属实/不属实）", example: "核查：属实，经现场核实该店未安装油烟净化设施" });
  }
  const needsPhoto = f.verdict !== "不属实";
  const rect: string[] = [];
  if (!f.rectification) rect.push("处理和整改情况");
  if (!f.handlingClass) rect.push("处置分类（保留经营/限期整改/关停取缔/无需整改）");
  if (needsPhoto && f.afterPhotos < 1) rect.push("至少一张整改后照片");
  if (rect.length) out.push({ item: "整改到位", missing: rect.join("、"), example: "整改：已安装油烟净化器并投入使用\n分类：限期整改（并附整改后照片）" });
  if (!f.accountability || !f.accountabilityAction) {
    out.push({ item: "责任落实", missing: !f.accountability ? "责任主体及处理措施" : "处理措施（约谈/责令整改/立案处罚/问责/无）", example: "责任：约谈店主张某，责令整改" });
  } else if (f.accountabilityAction === "立案处罚" && !f.penaltyAmount) {
    out.push({ item: "责任落实", missing: "立案处罚的罚款金额", example: "责任：对某公司立案处罚，罚款5000元" });
  }
  if (!f.callbackResult) {
    out.push({ item: "群众满意", missing: "回访结果（满意/基本满意/不满意/无法联系）", example: "回访：满意" });
  } else if (f.callbackResult === "无法联系" && !f.callbackNote?.trim()) {
    out.push({ item: "群众满意", missing: "无法联系的原因", example: "回访：无法联系，来电号码为空号" });
  }
  if (f.outcome === "staged" && !f.milestone) {
    out.push({ item: "办结类型", missing: "阶段性办结的下一节点日期", example: "结果：阶段性办结\n节点：12月30日" });
  }
  return out;
}

/** The gate-relevant columns of a stored case. */
export type StoredGate = {
  finding: string | null; verdict: GateInput["verdict"] | null; rectification: string | null; handlingClass: GateInput["handlingClass"] | null;
  accountableParty: string | null; accountabilityAction: string | null; penaltyAmount: number | null;
  callbackResult: GateInput["callbackResult"] | null; callbackNote: string | null; outcome: "closed" | "staged" | null; milestoneAt: number | null;
};

/**
 * The gate on what is stored for the current round (spec §2.2: 通过 re-checks it). The case page's checklist and
 * 通过 on every surface use this one function, so what the page marks ✘ is exactly what 通过 refuses.
 */
export function missingForStored(c: StoredGate, afterPhotos: number): GateItem[] {
  return missingForClosure({
    finding: c.finding ?? undefined,
    verdict: c.verdict ?? undefined,
    rectification: c.rectification ?? undefined,
    handlingClass: c.handlingClass ?? undefined,
    accountability: c.accountableParty ?? c.accountabilityAction ?? undefined,
    accountabilityAction: (c.accountabilityAction ?? undefined) as GateInput["accountabilityAction"],
    penaltyAmount: c.penaltyAmount ?? undefined,
    callbackResult: c.callbackResult ?? undefined,
    callbackNote: c.callbackNote ?? undefined,
    afterPhotos,
  }).concat(c.outcome === "staged" && !c.milestoneAt ? [{ item: "办结类型", missing: "阶段性办结的下一节点日期", example: "结果：阶段性办结\n节点：12月30日" }] : []);
}
