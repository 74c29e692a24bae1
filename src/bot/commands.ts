/** Typed chat commands (spec §3): what the parser returns; bot/route.ts turns each into a use case's plain input. Channel-agnostic. */

import type { CaseRef, ClosureFields, DeadlineSpec, Priority } from "../domain/values.js";

// Re-exported so the parser's modules keep one import; src/handlers/ import them from domain/values.ts.
export type { AccountabilityAction, CallbackResult, CaseRef, ClosureFields, DeadlineSpec, HandlingClass, Priority, Verdict } from "../domain/values.js";

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
      address?: string; // 地址 金牛大道18号 (issue 11)
      area?: string; // 区域 金牛区 (行政区域)
    }
  | { name: "acknowledge"; ref: CaseRef; more?: CaseRef[]; casual?: true } // 签收 #1 #2; casual: 收到/好的 #1 (issue 11)
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
  | { name: "hold_accountable"; ref: CaseRef; action?: string; text: string } // 问责 #12 约谈 街道分管领导 (issue 11)
  | { name: "merge"; ref: CaseRef; into: CaseRef } // 并案 #91 到 #57 (issue 13)
  | { name: "not_duplicate"; ref: CaseRef; other?: CaseRef } // 不是重复 #91 [#57]
  | { name: "unmerge"; ref: CaseRef } // 撤销并案 #91
  | { name: "query"; ref: CaseRef; more?: CaseRef[] } // 查 #1 #2
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
export type ParseError = { error: ParseErrorCode; command?: CommandName; message: string; usage: string; suggest?: CommandName[] };

export type ParseResult = Command | ParseError;

export const isParseError = (r: ParseResult): r is ParseError => "error" in r;
