/**
 * The plain values a use case takes (spec §3): a case reference, a deadline as written, the 四不放过 closure fields.
 * A leaf: the chat parser produces them, src/handlers/ consume them, and no surface's types leak in.
 */

/** `#12`, `12号`, `案件12` or an external 受理编号 such as `D3SX202505280018`. */
export type CaseRef = { kind: "id"; id: number } | { kind: "external"; no: string };

/** A deadline as the user wrote it; resolved to an instant by the handler with the working-day calendar. */
export type DeadlineSpec =
  | { kind: "date"; year?: number; month: number; day: number } // 12月10日, 12-10, 2026-12-10
  | { kind: "weekday"; weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7; weekOffset: 0 | 1 } // 本周五 / 周五 (0), 下周一 (1); 7 = 周日
  | { kind: "days"; n: number; working: boolean } // 3天内 (calendar days), 5个工作日 (working days)
  | { kind: "month_end"; monthOffset: 0 | 1 } // 月底 / 下月底: the month's last working day
  | { kind: "month_day"; day: number; monthOffset?: 0 | 1 }; // 20号 (the next 20th), 本月20号 (0), 下月10号 (1)

export type Verdict = "属实" | "部分属实" | "不属实";
export type HandlingClass = "保留经营" | "限期整改" | "关停取缔" | "无需整改";
export type CallbackResult = "满意" | "基本满意" | "不满意" | "无法联系";
export type AccountabilityAction = "约谈" | "责令整改" | "立案处罚" | "问责" | "无";

/** The lines of a multi-line 办结; every field optional here, the closure gate decides what is missing. */
export type ClosureFields = {
  finding?: string; // 核查：… (调查核实情况)
  verdict?: Verdict; // taken from the 核查 line
  rectification?: string; // 整改：… (处理和整改情况)
  handlingClass?: HandlingClass; // 分类：…
  accountability?: string; // 责任：… (party and action, free text)
  accountabilityAction?: AccountabilityAction; // first action keyword found in the 责任 line
  penaltyAmount?: number; // yuan, from "罚款5000元" / "罚款1.5万元" in the 责任 line
  callbackResult?: CallbackResult; // 回访：…
  callbackNote?: string; // the rest of the 回访 line (e.g. why 无法联系)
  outcome?: "closed" | "staged"; // 结果：已办结 / 阶段性办结 (default closed)
  milestone?: DeadlineSpec; // 节点：12月30日 (required for 阶段性办结)
};

export type Priority = "normal" | "urgent" | "focus";
