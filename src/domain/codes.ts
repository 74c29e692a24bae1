/**
 * The stored codes the rules speak of — roles, case states, priorities, round reasons. Declared in the domain so
 * that domain rules need nothing from src/db/; src/db/schema.ts builds its columns from these lists.
 */
export const ROLES = ["admin", "dispatcher", "leader", "unit_head", "officer", "accountability", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const CASE_STATES = ["pending_ack", "in_progress", "pending_review", "closed", "returned", "cancelled"] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const PRIORITIES = ["normal", "urgent", "focus"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Why a handling round began (spec §2.2): the first dispatch, a rebound, a reassignment, a rejected closure. */
export const ROUND_REASONS = ["dispatch", "rebound", "reassign", "rejected"] as const;
export type RoundReason = (typeof ROUND_REASONS)[number];
