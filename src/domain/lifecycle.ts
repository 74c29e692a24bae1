/** The case state machine of spec §2.1 as data: which action is allowed in which state, and where it leads. */
import type { CaseState } from "./codes.js";

export type CaseAction =
  | "acknowledge" | "return" | "reassign" | "assign_officer" | "progress" | "request_extension" | "decide_extension"
  | "submit_closure" | "approve_closure" | "reject_closure" | "flag" | "chase" | "patrol" | "cancel" | "hold_accountable" | "edit_fields" | "view"
  | "merge" | "mark_not_duplicate" | "unmerge";

const OPEN: CaseState[] = ["pending_ack", "in_progress", "pending_review", "returned"];

/** States in which each action may be taken. */
export const ALLOWED_IN: Record<CaseAction, readonly CaseState[]> = {
  acknowledge: ["pending_ack"],
  return: ["pending_ack"],
  reassign: ["pending_ack", "returned", "in_progress"],
  assign_officer: ["pending_ack", "in_progress"],
  progress: ["in_progress"],
  request_extension: ["in_progress"],
  decide_extension: ["in_progress"],
  submit_closure: ["in_progress"],
  approve_closure: ["pending_review"],
  reject_closure: ["pending_review"],
  flag: OPEN,
  chase: ["pending_ack", "in_progress", "returned"],
  patrol: ["closed"],
  cancel: OPEN,
  hold_accountable: [...OPEN, "closed"], // 问责 follows an escalation, and may be decided after a late closure
  edit_fields: [...OPEN, "closed"], // the disclosure fields may be completed after closure too (issue 11)
  view: ["pending_ack", "in_progress", "pending_review", "closed", "returned", "cancelled"],
  // Repeat complaints (issue 13): the later, still open complaint is merged into the earlier case; a merge is
  // undone on the merged (cancelled) case; 不是重复 is a note that may be made at any time.
  merge: OPEN,
  mark_not_duplicate: ["pending_ack", "in_progress", "pending_review", "closed", "returned", "cancelled"],
  unmerge: ["cancelled"],
};

/** Where a transition leads (actions not listed keep the state). */
export const NEXT_STATE: Partial<Record<CaseAction, CaseState>> = {
  acknowledge: "in_progress",
  return: "returned",
  reassign: "pending_ack",
  submit_closure: "pending_review",
  approve_closure: "closed",
  reject_closure: "in_progress",
  cancel: "cancelled",
  merge: "cancelled",
};

export const isOpen = (s: CaseState) => OPEN.includes(s);

/**
 * Overdue is derived, never stored: open (not closed or cancelled) and past due. A closure still 待审核 when its
 * deadline passes counts too (issue 11): the case was not finished in time, whoever it now waits on.
 */
export function isOverdue(c: { state: CaseState; dueAt: number | null }, now: number): boolean {
  return c.dueAt !== null && isOpen(c.state) && c.dueAt < now;
}

/** After this many returns the office designates a unit and the case can no longer be returned (定责). */
export const MAX_RETURNS = 3;
