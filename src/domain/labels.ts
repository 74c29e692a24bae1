/** Chinese labels users see for stored codes. */
import type { CaseState, Priority, Role } from "../db/schema.js";

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
