/** Typed chat commands (spec §3): what the parser returns and the handlers take. Channel-agnostic. */

/** `#12`, `12号`, `案件12` or an external 受理编号 such as `D3SX202505280018`. */
export type CaseRef = { kind: "id"; id: number } | { kind: "external"; no: string };

/** A deadline as the user wrote it; resolved to an instant by the handler with the working-day calendar. */
export type DeadlineSpec =
  | { kind: "date"; year?: number; month: number; day: number } // 12月10日, 12-10, 2026-12-10
  | { kind: "weekday"; weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7; weekOffset: 0 | 1 } // 本周五 / 周五 (0), 下周一 (1); 7 = 周日
  | { kind: "days"; n: number; working: boolean }; // 3天内 (calendar days), 5个工作日 (working days)

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

export type Command =
  | { name: "help"; topic?: CommandName }
  | {
      name: "assign"; // 交办
      content: string;
      leadUnit: string;
      coUnits: string[];
      deadline?: DeadlineSpec;
      leader?: string; // 督办 李区长 (name or userid of the supervising leader)
      priority: Priority;
      externalNo?: string;
      complainant?: string; // 来电人 李四 13812345678: name and contact, kept out of content and title (R40)
    }
  | { name: "acknowledge"; ref: CaseRef } // 签收
  | { name: "return"; ref: CaseRef; reason: string } // 退回
  | { name: "reassign"; ref: CaseRef; unit: string } // 改派
  | { name: "assign_officer"; ref: CaseRef; person: string } // 指派 (name, with or without @)
  | { name: "progress"; ref: CaseRef; text: string; phase?: "before" | "after" } // 进展
  | { name: "request_extension"; ref: CaseRef; deadline: DeadlineSpec; reason: string } // 延期
  | { name: "approve_extension"; ref: CaseRef } // 同意延期
  | { name: "refuse_extension"; ref: CaseRef; reason: string } // 不同意延期
  | { name: "submit_closure"; ref: CaseRef; fields: ClosureFields } // 办结
  | { name: "approve_closure"; ref: CaseRef; note?: string } // 通过 [核实说明]: required when photos are flagged (issue 10)
  | { name: "reject_closure"; ref: CaseRef; reason: string } // 驳回
  | { name: "flag"; ref: CaseRef } // 挂牌
  | { name: "unflag"; ref: CaseRef } // 摘牌
  | { name: "chase"; ref: CaseRef } // 催办
  | { name: "patrol"; ref: CaseRef; result: "ok" | "rebound"; note?: string } // 巡查 正常 / 反弹
  | { name: "cancel"; ref: CaseRef; reason: string } // 撤销
  | { name: "query"; ref: CaseRef } // 查
  | { name: "remark_photo"; ref: CaseRef; nos: number[]; phase: "before" | "after" } // 照片 #12 第2张 改为整改后
  | { name: "select"; ref: CaseRef } // a bare case number: names the case (answers "which case?")
  | { name: "mine" } // 我的 / 待办
  | { name: "overdue" } // 逾期
  | { name: "stats" } // 统计
  | { name: "login" }; // 登录 (single chat only)

export type CommandName = Command["name"];

export type ParseErrorCode =
  | "EMPTY"
  | "UNKNOWN_COMMAND"
  | "MISSING_CASE"
  | "BAD_CASE"
  | "MISSING_ARGUMENT"
  | "BAD_DEADLINE"
  | "BAD_VALUE"
  | "TOO_LONG";

/** A typed parse failure: `message` says what was wrong, `usage` shows the correct form with an example. */
export type ParseError = { error: ParseErrorCode; command?: CommandName; message: string; usage: string };

export type ParseResult = Command | ParseError;

export const isParseError = (r: ParseResult): r is ParseError => "error" in r;
