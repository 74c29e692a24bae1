/** The whole data model (spec §1–§4) in drizzle sqlite-core; one schema for libSQL and D1. Instants are UTC epoch ms. */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import { CASE_STATES, PRIORITIES, ROLES, ROUND_REASONS, type CaseState, type Priority, type Role, type RoundReason } from "../domain/codes.js";

// Declared in the domain (rules need them without the database); re-exported for the modules that read rows.
export { CASE_STATES, PRIORITIES, ROLES, ROUND_REASONS, type CaseState, type Priority, type Role, type RoundReason };

export const SOURCES = ["中央督察", "省督察", "回头看", "强化督查", "12345", "12369", "巡查自查", "领导交办"] as const;
export const POLLUTION_TYPES = ["水", "大气", "土壤", "生态", "噪声", "辐射", "海洋", "其他"] as const;

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const units = sqliteTable("units", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: ["street", "department", "office"] }).notNull(),
  aliases: text("aliases", { mode: "json" }).$type<string[]>().notNull().default([]),
  headUserId: text("head_user_id"),
  deputyUserId: text("deputy_user_id"),
  liaisonUserIds: text("liaison_user_ids", { mode: "json" }).$type<string[]>().notNull().default([]),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  demo: integer("demo", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

export const people = sqliteTable(
  "people",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id").notNull().unique(), // WeCom userid
    name: text("name").notNull(),
    mobile: text("mobile"),
    unitId: integer("unit_id").references(() => units.id),
    roles: text("roles", { mode: "json" }).$type<Role[]>().notNull().default([]),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    passwordHash: text("password_hash"), // "<algo>$<params>$<salt>$<hash>", parameters stored with the hash
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: integer("locked_until"),
    totpSecret: text("totp_secret"), // admin MFA: the authenticator secret sealed with AES-GCM (src/web/auth/totp.ts)
    totpLastStep: integer("totp_last_step"), // the last 30 s step used to sign in: a code works once (RFC 6238 §5.2)
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull().default(now),
    dingtalkId: text("dingtalk_id").unique(), // DingTalk staffId (senderStaffId) when the person uses DingTalk (issue 15)
  },
  (t) => [index("people_unit_idx").on(t.unitId), index("people_name_idx").on(t.name)],
);

export const groups = sqliteTable("groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  chatId: text("chat_id").notNull().unique(),
  name: text("name").notNull(),
  purpose: text("purpose", { enum: ["command", "unit", "accountability", "other"] }).notNull(),
  unitId: integer("unit_id").references(() => units.id),
  robotKey: text("robot_key"), // group-robot webhook key; only ever shown masked
  platform: text("platform").notNull().default("wecom"), // the chat platform the group lives on (issue 15); outbox targets are "<platform>:<chat_id>"
  // DingTalk custom robot (加签): its webhook URL carries an access_token and the secret signs each send; both masked.
  robotWebhook: text("robot_webhook"),
  robotSecret: text("robot_secret"),
  demo: integer("demo", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

export const batches = sqliteTable("batches", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  source: text("source").notNull(),
  receivedOn: text("received_on").notNull(), // YYYY-MM-DD, business date
  demo: integer("demo", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

/** Closure-gate fields (四不放过) live on the case row so export and checks read one place. */
export const cases = sqliteTable(
  "cases",
  {
    id: integer("id").primaryKey({ autoIncrement: true }), // shown as #id
    externalNo: text("external_no").unique(), // 受理编号
    source: text("source").notNull(),
    batchId: integer("batch_id").references(() => batches.id),
    title: text("title").notNull(),
    content: text("content").notNull(),
    address: text("address"),
    area: text("area"),
    pollutionTypes: text("pollution_types", { mode: "json" }).$type<string[]>().notNull().default([]),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull().default([]),
    complainant: text("complainant"), // PII: never rendered into group messages
    leadUnitId: integer("lead_unit_id").references(() => units.id),
    coUnitIds: text("co_unit_ids", { mode: "json" }).$type<number[]>().notNull().default([]),
    officerUserId: text("officer_user_id"),
    leaderUserId: text("leader_user_id"),
    priority: text("priority", { enum: PRIORITIES }).notNull().default("normal"),
    flagged: integer("flagged", { mode: "boolean" }).notNull().default(false), // 挂牌督办
    state: text("state", { enum: CASE_STATES }).notNull().default("pending_ack"),
    ackBy: integer("ack_by"),
    dueAt: integer("due_at"),
    acknowledgedAt: integer("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    returnCount: integer("return_count").notNull().default(0),
    designated: integer("designated", { mode: "boolean" }).notNull().default(false), // 定责: no more returns
    extRequestedDue: integer("ext_requested_due"),
    extReason: text("ext_reason"),
    extRequestedBy: text("ext_requested_by"),
    extRequestedAt: integer("ext_requested_at"),
    // 四不放过 gate
    finding: text("finding"), // 调查核实情况
    verdict: text("verdict", { enum: ["属实", "部分属实", "不属实"] }),
    rectification: text("rectification"), // 处理和整改情况
    handlingClass: text("handling_class", { enum: ["保留经营", "限期整改", "关停取缔", "无需整改"] }),
    accountableParty: text("accountable_party"),
    accountabilityAction: text("accountability_action"), // 约谈 / 责令整改 / 立案处罚 … free text allowed
    penaltyAmount: integer("penalty_amount"), // yuan, for 立案处罚
    // 问责 outcomes recorded on the case (issue 11: "问责 #12 约谈 …"), oldest first; exported in 责任人被处理情况.
    accountabilityLog: text("accountability_log", { mode: "json" }).$type<AccountabilityEntry[]>().notNull().default([]),
    callbackResult: text("callback_result", { enum: ["满意", "基本满意", "不满意", "无法联系"] }),
    callbackNote: text("callback_note"),
    outcome: text("outcome", { enum: ["closed", "staged"] }), // 已办结 / 阶段性办结
    milestoneAt: integer("milestone_at"),
    submittedAt: integer("submitted_at"),
    closedAt: integer("closed_at"),
    reboundCount: integer("rebound_count").notNull().default(0),
    // Live 并案 complaints merged into this case (issue 13), kept by triggers on case_links (drizzle/0029).
    mergedCount: integer("merged_count").notNull().default(0),
    // Handling round (spec §2.2): the gate looks only at this round; ended rounds are kept in case_rounds.
    round: integer("round").notNull().default(1),
    roundReason: text("round_reason", { enum: ROUND_REASONS }).notNull().default("dispatch"),
    roundStartedAt: integer("round_started_at"), // null: round 1, started at created_at
    lastChasedAt: integer("last_chased_at"),
    cancelReason: text("cancel_reason"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    writeToken: text("write_token").notNull(), // random per write; guards the rest of a batch (see db/write.ts)
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("cases_state_due_idx").on(t.state, t.dueAt), // overdue scan
    index("cases_state_ack_idx").on(t.state, t.ackBy),
    index("cases_lead_state_idx").on(t.leadUnitId, t.state),
    index("cases_batch_idx").on(t.batchId),
    index("cases_source_idx").on(t.source),
    index("cases_flagged_idx").on(t.flagged, t.state),
    index("cases_closed_idx").on(t.state, t.closedAt), // patrol scan
    index("cases_ledger_idx").on(t.flagged, t.id), // 台账 order (挂牌 first, newest first): keyset pages stop after one page
    index("cases_ledger_unit_idx").on(t.leadUnitId, t.flagged, t.id), // the same order within one lead unit
    // 台账's 重复/反复投诉 filter in ledger order: only cases with merged complaints or rebounds (src/db/ledger.ts);
    // every column the filter names is in it, so its count reads no table rows.
    index("cases_repeat_idx").on(t.flagged, t.id, t.state, t.mergedCount, t.reboundCount).where(sql`merged_count > 0 or rebound_count > 0`),
    // 我的 for a co-handling unit: only open cases that have co-units, with the list in the index (no row reads).
    // Overdue per unit, source and batch in one ordered pass over the open cases (no sort), and 我的 for a lead unit.
    // (state last: SQLite reads a partial index as covering only when it holds every column the query names)
    index("cases_open_group_idx").on(t.leadUnitId, t.source, t.batchId, t.dueAt, t.state).where(sql`state in ('pending_ack','in_progress','pending_review','returned')`),
    index("cases_open_unit_idx").on(t.leadUnitId, t.flagged, t.dueAt, t.state).where(sql`state in ('pending_ack','in_progress','pending_review','returned')`),
    // A unit viewer's 台账: every case (any state) that has co-units, with the list in the index.
    index("cases_co_units_idx").on(t.coUnitIds).where(sql`co_unit_ids != '[]'`),
    index("cases_open_co_idx").on(t.coUnitIds).where(sql`state in ('pending_ack','in_progress','pending_review','returned') and co_unit_ids != '[]'`),
    // Only open rows (a tenth of a city's cases): overdue counts by unit/source/batch and the overdue list, covered.
    // A past-due case in 待审核 counts as overdue too (issue 11): the office has not finished it in time.
    index("cases_open_due_idx").on(t.dueAt, t.leadUnitId, t.source, t.batchId).where(sql`state in ('pending_ack','in_progress','pending_review','returned')`),
    // 待领导决定 in the digest: closures awaiting review and open 延期 requests, oldest first, and how many are past due,
    // from the index alone (12 k closures awaiting review at city scale: counting them by row took 80 ms).
    index("cases_review_idx").on(t.submittedAt, t.dueAt).where(sql`state = 'pending_review'`),
    index("cases_ext_request_idx").on(t.extRequestedAt, t.dueAt).where(sql`ext_requested_at is not null and state = 'in_progress'`),
    index("cases_milestone_idx").on(t.milestoneAt).where(sql`milestone_at is not null`), // 阶段性办结 milestones
    // The reminder passes (紧急 first, then the rest): cases past due or past their signing limit, without reading rows.
    index("cases_prio_state_due_idx").on(t.priority, t.state, t.dueAt),
    index("cases_prio_state_ack_idx").on(t.priority, t.state, t.ackBy),
    uniqueIndex("cases_write_token_idx").on(t.writeToken),
  ],
);

/** One 问责 outcome: when, by whom, the action (约谈, 通报批评 …) and what was decided. */
export type AccountabilityEntry = { at: number; by: string; action?: string; text: string };

export const EVENT_KINDS = [
  "created", "acknowledged", "returned", "reassigned", "officer_assigned", "progress", "extension_requested",
  "extension_approved", "extension_refused", "closure_submitted", "closure_approved", "closure_rejected",
  "flagged", "unflagged", "chased", "patrol_ok", "rebound", "cancelled", "evidence", "note", "reminder", "accountability",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Append-only timeline; triggers in the migration refuse UPDATE and DELETE. */
export const caseEvents = sqliteTable(
  "case_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").notNull().references(() => cases.id),
    at: integer("at").notNull(),
    actorUserId: text("actor_user_id").notNull(),
    kind: text("kind", { enum: EVENT_KINDS }).notNull(),
    text: text("text"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("case_events_case_idx").on(t.caseId, t.at),
    // case_id too: the digest's and reports' changes per unit read a window of events from this index alone
    // (a month at 1 M cases: ~100 k events; no table row per event).
    index("case_events_kind_at_idx").on(t.kind, t.at, t.caseId),
  ],
);

export const attachments = sqliteTable(
  "attachments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").references(() => cases.id), // null while pending (waiting for "which case?")
    eventId: integer("event_id").references(() => caseEvents.id),
    kind: text("kind", { enum: ["image", "file", "voice", "video"] }).notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull().unique(),
    fileName: text("file_name"),
    phase: text("phase", { enum: ["before", "after"] }),
    round: integer("round"), // the case's handling round when attached; a trigger fills it from cases.round
    uploaderUserId: text("uploader_user_id").notNull(),
    chatId: text("chat_id"),
    createdAt: integer("created_at").notNull(),
    // Photo evidence facts read from the untouched original at receipt (issue 10). null on non-images.
    // "ok" = hashed; "no_visual" = a format we do not decode (PNG/WebP/HEIC); "failed" = decoder error (未能检查).
    photoCheck: text("photo_check", { enum: ["ok", "no_visual", "failed"] }),
    phash: text("phash"), // 64-bit DCT pHash, 16 hex digits
    // The pHash split into four 16-bit bands, each indexed: a near-duplicate within 7 bits has one band within
    // 1 bit (pigeonhole), so the lookup probes 4×17 index keys instead of scanning every photo.
    ph0: integer("ph0"),
    ph1: integer("ph1"),
    ph2: integer("ph2"),
    ph3: integer("ph3"),
    takenAt: integer("taken_at"), // EXIF DateTimeOriginal as an instant (+08:00 when no offset is written)
    gpsLat: real("gps_lat"), // EXIF GPS as written (WGS-84 on most phones)
    gpsLon: real("gps_lon"),
  },
  (t) => [
    index("attachments_case_idx").on(t.caseId),
    index("attachments_pending_idx").on(t.chatId, t.uploaderUserId, t.caseId),
    index("attachments_sha_idx").on(t.sha256),
    // Each band index carries the other three bands, so the candidate read is index-only (no row fetch per hit).
    index("attachments_ph0_cover_idx").on(t.ph0, t.ph1, t.ph2, t.ph3),
    index("attachments_ph1_cover_idx").on(t.ph1, t.ph0, t.ph2, t.ph3),
    index("attachments_ph2_cover_idx").on(t.ph2, t.ph0, t.ph1, t.ph3),
    index("attachments_ph3_cover_idx").on(t.ph3, t.ph0, t.ph1, t.ph2),
  ],
);

/**
 * Ended handling rounds, one row each, written in the batch that starts the next round: who handled it, the four
 * items as they stood (snapshot) and which items the next round must give again. Append-only (triggers).
 */
export const caseRounds = sqliteTable(
  "case_rounds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").notNull().references(() => cases.id),
    round: integer("round").notNull(),
    reason: text("reason", { enum: ROUND_REASONS }).notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    unitId: integer("unit_id").references(() => units.id),
    items: text("items", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    cleared: text("cleared", { mode: "json" }).$type<string[]>().notNull(), // gate items the next round redoes
  },
  (t) => [uniqueIndex("case_rounds_case_round_idx").on(t.caseId, t.round)],
);

/** Processed inbound messages: the durable dedupe key and the reply given, so a redelivery gets the same answer. */
export const inbox = sqliteTable(
  "inbox",
  {
    key: text("key").primaryKey(), // "<channel>:<msgid>"
    receivedAt: integer("received_at").notNull(),
    replies: text("replies", { mode: "json" }).$type<unknown[]>().notNull(),
  },
  (t) => [index("inbox_received_idx").on(t.receivedAt)],
);

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    channel: text("channel").notNull(), // "group" | "user" | "response_url"
    target: text("target").notNull(), // chatId, userid or response_url
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    caseId: integer("case_id"),
    status: text("status", { enum: ["pending", "sending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("outbox_due_idx").on(t.status, t.nextAttemptAt), index("outbox_target_idx").on(t.target, t.createdAt)],
);

/** Sends per destination robot, shared by every relay (process, isolate) for the 60 s window (R16). */
export const robotSends = sqliteTable(
  "robot_sends",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    robot: text("robot").notNull(), // "<channel>:<target>", never the webhook key
    at: integer("at").notNull(),
  },
  (t) => [index("robot_sends_robot_at_idx").on(t.robot, t.at)],
);

/** One row per (job, slot, target) makes each reminder exactly-once even when a cron fires twice. */
export const scheduleSlots = sqliteTable(
  "schedule_slots",
  {
    job: text("job").notNull(),
    slot: text("slot").notNull(),
    target: text("target").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot, t.target] })],
);

export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
  watermark: integer("watermark"), // last instant fully processed, for catch-up after missed runs
});

/** Append-only; triggers in the migration refuse UPDATE and DELETE (R35). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(), // userid, "system" or "api:<token id>"
    action: text("action").notNull(),
    object: text("object"), // e.g. "case:12"
    result: text("result", { enum: ["ok", "denied", "failed"] }).notNull(),
    source: text("source"), // channel, chat id or IP
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_at_idx").on(t.at), index("audit_object_idx").on(t.object)],
);

/**
 * The audit log's hash chain (R35), one row per audit row, appended by the scheduler's sealer:
 * hash = SHA-256(prev_hash + "\n" + the audit row in canonical form). Rewriting or deleting an audit row, or a
 * chain row, breaks the chain from that row on; `duban audit verify` names the first one.
 */
export const auditChain = sqliteTable("audit_chain", {
  id: integer("id").primaryKey(), // = audit_log.id
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull(),
  sealedAt: integer("sealed_at").notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(), // SHA-256 of the cookie token, never the token itself
    personId: integer("person_id").notNull().references(() => people.id),
    csrf: text("csrf").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [index("sessions_person_idx").on(t.personId)],
);

export const calendarDays = sqliteTable("calendar_days", {
  date: text("date").primaryKey(), // YYYY-MM-DD in BUSINESS_TIMEZONE
  kind: text("kind", { enum: ["holiday", "workday"] }).notNull(), // holiday = day off; workday = 调休 make-up day
  name: text("name"),
  source: text("source", { enum: ["package", "admin"] }).notNull(),
});

export const policies = sqliteTable("policies", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).$type<unknown>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** The case a person last named in a chat, for binding photos sent afterwards (spec §2.3). */
export const chatContext = sqliteTable(
  "chat_context",
  {
    chatId: text("chat_id").notNull(),
    userId: text("user_id").notNull(),
    caseId: integer("case_id").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] })],
);

/** Guard rows are never stored: the CHECK aborts the whole batch when a version check failed. */
export const writeGuard = sqliteTable(
  "write_guard",
  { ok: integer("ok").notNull() },
  (t) => [check("version_conflict", sql`${t.ok} = 1`)],
);

/**
 * Nonces of accepted WeCom callbacks, kept 2 h (wecom.md §1.A.1, R05): reuse with another payload is a replay.
 * The same row is the durable intent of R08: a message's still-encrypted body stays here until it is processed
 * (its inbox row exists) or recovered, so an acknowledged message survives a crash of the process handling it.
 */
export const wecomNonces = sqliteTable(
  "wecom_nonces",
  {
    nonce: text("nonce").primaryKey(),
    digest: text("digest").notNull(), // SHA-256 of the signed `encrypt` value
    seenAt: integer("seen_at").notNull(),
    msgKey: text("msg_key"), // the inbox key ("wecom:<msgid>") of a message that runs a command
    encrypt: text("encrypt"), // its ciphertext, cleared once recovery has taken it
  },
  (t) => [index("wecom_nonces_seen_idx").on(t.seenAt)],
);

/** Smart-bot response_urls already called (wecom.md §1.A.8, R20): each may be used once, within its hour. */
export const responseUrlUses = sqliteTable(
  "response_url_uses",
  {
    urlDigest: text("url_digest").primaryKey(), // SHA-256 of the URL; the URL itself stays in the outbox row
    usedAt: integer("used_at").notNull(),
  },
  (t) => [index("response_url_uses_at_idx").on(t.usedAt)],
);

/** API tokens for other systems (spec §7): only the SHA-256 of the token is stored; the token is shown once. */
export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  roles: text("roles", { mode: "json" }).$type<Role[]>().notNull(),
  unitId: integer("unit_id").references(() => units.id), // set: the token sees only this unit's cases
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  revokedAt: integer("revoked_at"),
});

/** One-time dashboard sign-in links sent by the bot's 登录 command (spec §5): only the SHA-256 of the token is stored. */
export const loginLinks = sqliteTable(
  "login_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    personId: integer("person_id").notNull().references(() => people.id),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    sessionId: text("session_id"), // the session this link became (ties the burn to the session row in one batch)
    // "password": the link an administrator had the bot send so the person sets their own password (R34)
    purpose: text("purpose", { enum: ["login", "password"] }).notNull().default("login"),
  },
  (t) => [index("login_links_person_idx").on(t.personId)],
);

/**
 * The second step of an administrator's sign-in (R30): made after the password or login link, completed by a
 * TOTP code. Only the token's SHA-256 is stored; an enrolment carries the new secret, sealed, until confirmed.
 */
export const mfaChallenges = sqliteTable(
  "mfa_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    personId: integer("person_id").notNull().references(() => people.id),
    via: text("via", { enum: ["password", "link"] }).notNull(),
    pendingSecret: text("pending_secret"), // set while enrolling: the sealed secret the QR code shows
    next: text("next"), // the page asked for before sign-in
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    sessionId: text("session_id"), // the session this challenge became
  },
  (t) => [index("mfa_challenges_person_idx").on(t.personId)],
);

/**
 * Sensitive roles an administrator granted, waiting for a different administrator (separation of duties, R34).
 * Approval applies `rolesAfter` only while the person still holds `rolesBefore`; one pending change per person.
 */
export const roleChanges = sqliteTable(
  "role_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    personId: integer("person_id").notNull().references(() => people.id),
    rolesBefore: text("roles_before", { mode: "json" }).$type<Role[]>().notNull(),
    rolesAfter: text("roles_after", { mode: "json" }).$type<Role[]>().notNull(),
    proposedBy: text("proposed_by").notNull(), // userid, or "(cli)"
    proposedAt: integer("proposed_at").notNull(),
    status: text("status", { enum: ["pending", "approved", "rejected", "withdrawn", "stale"] }).notNull().default("pending"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    index("role_changes_person_idx").on(t.personId),
    uniqueIndex("role_changes_one_pending").on(t.personId).where(sql`status = 'pending'`),
  ],
);

/**
 * Rows of an import being written in short chunks (issue 16 item 7): each row is the case's column values as
 * JSON plus its `created` event; one short swap batch copies them into cases/case_events/audit_log and deletes
 * them. Rows of an abandoned import are deleted by the next import after an hour.
 */
export const importStaging = sqliteTable(
  "import_staging",
  {
    importId: text("import_id").notNull(),
    seq: integer("seq").notNull(),
    writeToken: text("write_token").notNull(), // becomes cases.write_token: ties the event and audit rows to the case
    batchName: text("batch_name"),
    row: text("row").notNull(), // JSON object: cases column name → stored value
    event: text("event").notNull(), // JSON: { text, data } of the `created` event
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] }), index("import_staging_created_idx").on(t.createdAt)],
);

/**
 * An import preview as the server saw it (issue 16 item 8): the uploaded file's SHA-256 and the digest of the
 * table parsed from it. The confirm form carries only `id` and the table; the import goes ahead only when the
 * table's digest matches, and records this row's file hash — never a hash the browser sent.
 */
export const importPreviews = sqliteTable(
  "import_previews",
  {
    id: text("id").primaryKey(), // random
    actor: text("actor").notNull(),
    source: text("source").notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    tableSha256: text("table_sha256").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("import_previews_created_idx").on(t.createdAt)],
);

/**
 * Sign-in attempts per source address in a fixed window (the per-IP throttle, R31): counted with one upsert before
 * the password is checked, so concurrent attempts cannot outrun the limit.
 */
export const loginSources = sqliteTable("login_sources", {
  source: text("source").primaryKey(),
  windowStart: integer("window_start").notNull(),
  attempts: integer("attempts").notNull(),
});

/**
 * Current figures per (lead unit, source, batch), kept by triggers on cases (issue 12); unit 0 / batch 0 = none.
 * What each column counts: src/db/unit-day-stats.ts.
 */
/** The current figures case_totals and unit_totals both keep (one set of columns, fresh builders per table). */
const figureColumns = () => ({
  total: integer("total").notNull().default(0),
  closed: integer("closed").notNull().default(0),
  staged: integer("staged").notNull().default(0),
  open: integer("open").notNull().default(0),
  closedOnTime: integer("closed_on_time").notNull().default(0),
  rebounds: integer("rebounds").notNull().default(0),
});

export const caseTotals = sqliteTable(
  "case_totals",
  {
    unitId: integer("unit_id").notNull(),
    source: text("source").notNull(),
    batchId: integer("batch_id").notNull(),
    ...figureColumns(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.source, t.batchId] })],
);

/**
 * A counter bumped by triggers on every change to units, people and groups (migration 0035): a process keeps the
 * directory in memory and reads it again only when the counter moved (src/db/directory-cache.ts), whichever
 * process — the server, the CLI, the dashboard, an import — made the change.
 */
export const directoryVersion = sqliteTable("directory_version", {
  id: integer("id").primaryKey(),
  v: integer("v").notNull().default(0),
});

/**
 * case_totals summed per lead unit (0 = none), kept by triggers on case_totals (migration 0034): the ranking, 总览
 * and the digest read 500 rows instead of summing tens of thousands (unit × source × batch) on every view.
 */
export const unitTotals = sqliteTable("unit_totals", {
  unitId: integer("unit_id").primaryKey(),
  ...figureColumns(),
});

/** Per lead unit and business day (UTC+8), kept by triggers on cases (issue 12); see src/db/unit-day-stats.ts. */
export const unitDayStats = sqliteTable(
  "unit_day_stats",
  {
    unitId: integer("unit_id").notNull(),
    day: text("day").notNull(),
    received: integer("received").notNull().default(0),
    closed: integer("closed").notNull().default(0),
    staged: integer("staged").notNull().default(0),
    closedOnTime: integer("closed_on_time").notNull().default(0),
    dueOpen: integer("due_open").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.unitId, t.day] }),
    index("unit_day_stats_day_idx").on(t.day),
    // Windows of days (总览 trend, ranking history) read from the index alone.
    index("unit_day_stats_day_cover_idx").on(t.day, t.unitId, t.received, t.closed, t.staged, t.closedOnTime),
  ],
);

/**
 * Decisions about repeat complaints (issue 13). `merged`: case_id (the later complaint) was 并案 into other_id and
 * cancelled; prior_state keeps what 撤销并案 restores, reopened says whether the merge reopened other_id (a closed
 * case: rebound). `not_duplicate`: the pair is never suggested again (either order). Undone rows stay (undone_at).
 */
export const caseLinks = sqliteTable(
  "case_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").notNull().references(() => cases.id),
    otherId: integer("other_id").notNull().references(() => cases.id),
    kind: text("kind", { enum: ["merged", "not_duplicate"] }).notNull(),
    by: text("by").notNull(),
    at: integer("at").notNull(),
    priorState: text("prior_state", { mode: "json" }).$type<{ state: CaseState; cancelReason: string | null }>(),
    reopened: integer("reopened", { mode: "boolean" }).notNull().default(false),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [
    index("case_links_case_idx").on(t.caseId, t.kind),
    index("case_links_other_idx").on(t.otherId, t.kind),
    index("case_links_kind_at_idx").on(t.kind, t.at), // the digest's 反复投诉: merges since the last digest
    // One live merge per case: a case is part of at most one earlier case.
    uniqueIndex("case_links_one_merge").on(t.caseId).where(sql`kind = 'merged' and undone_at is null`),
  ],
);
