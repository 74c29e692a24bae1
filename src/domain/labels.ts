/** Chinese labels users see for stored codes. */
import type { CaseState, Priority, Role } from "./codes.js";

export const STATE_LABEL: Record<CaseState, string> = {
  pending_ack: "待签收",
  in_progress: "办理中",
  pending_review: "待审核",
  closed: "已办结",
  returned: "已退回",
  cancelled: "已撤销",
};

export const ROLE_LABEL: Record<Role, string> = {
  admin: "系统管理员",
  dispatcher: "督办员",
  leader: "领导",
  unit_head: "单位负责人",
  officer: "责任人",
  accountability: "问责组",
  auditor: "审计员",
};

export const PRIORITY_LABEL: Record<Priority, string> = { normal: "普通", urgent: "紧急", focus: "重点关注" };

export const OUTCOME_LABEL = { closed: "已办结", staged: "阶段性办结" } as const;

/** A timeline event's kind as users read it (dashboard timeline, API `kindLabel`). */
export const EVENT_LABEL: Record<string, string> = {
  created: "交办", acknowledged: "签收", returned: "退回", reassigned: "改派", officer_assigned: "指派责任人", progress: "报送进展",
  extension_requested: "申请延期", extension_approved: "同意延期", extension_refused: "不同意延期", closure_submitted: "申请办结",
  closure_approved: "审核通过（销号）", closure_rejected: "驳回办结", flagged: "挂牌督办", unflagged: "摘牌", chased: "催办", patrol_ok: "巡查正常",
  rebound: "巡查反弹", cancelled: "撤销", evidence: "上传附件", note: "备注", reminder: "提醒", accountability: "问责",
};
