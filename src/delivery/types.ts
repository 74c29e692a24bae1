/**
 * The seam between the outbox relay and the chat platforms (issue 15). The relay knows rows, robots, rate and
 * backoff; a `Channel` knows one platform's markup, limits and HTTP. Implementations: src/bot/wecom/deliver.ts
 * (WeCom), src/bot/sim/deliver.ts (the simulator), src/bot/dingtalk/deliver.ts (DingTalk). The router in
 * src/delivery/channels.ts picks one by the row's target prefix ("wecom:…", "dingtalk:…").
 */
import type { Content } from "../domain/message.js";

/** What a channel sender reports back to the relay. */
export type DeliverResult = { ok: true } | { ok: false; retryable: boolean; error: string; pauseMs?: number };

/** An outbox row as the relay hands it over. The router strips the platform prefix: a channel sees its chat id. */
export type OutboxRow = { id: number; channel: string; target: string; payload: Record<string, unknown> };

/**
 * What handlers and schedules queue: neutral content plus people to @ at the end (our user ids, people.user_id).
 * Rows written before issue 15 carry WeCom `markdown` or `text` instead; the WeCom channel still delivers them.
 * `chunks` is written by the relay only: the rendered pieces not yet sent after a failure (R19).
 */
export type OutboxPayload = { message?: Content; mentions?: string[]; markdown?: string; text?: string; chunks?: Chunk[] };

/** One platform message, rendered and within the platform's limits, as plain JSON (it may be stored in the row). */
export type Chunk = Record<string, unknown>;

/** Sends one rendered chunk of `row`. Must classify failures: `retryable` false only when retrying cannot help. */
export type Send = (row: OutboxRow, chunk: Chunk) => Promise<DeliverResult>;

/**
 * One chat platform's outbound side.
 * - `render(row)`: the row's payload (`OutboxPayload`) as chunks in order, each within the platform's byte
 *   limit, split on block boundaries first and never inside a mention or a multi-byte character. Mentions
 *   (inline spans and `mentions`) in the platform's own form, resolved from our user ids. It may read the
 *   database (e.g. DingTalk staff ids). It throws only when the row can never be sent (the relay then marks the
 *   row failed with the error's message); an empty message gives `[]` and the row counts as sent.
 * - `send(row, chunk)`: one HTTP call (or socket frame) for one chunk. The relay reserves the robot's rate slot
 *   (18 a minute per robot: WeCom and DingTalk both allow 20) before each call, honours `pauseMs`, backs off on
 *   `retryable`, and keeps the chunks not yet sent in the row for the next attempt.
 */
export type Channel = { render: (row: OutboxRow) => Promise<Chunk[]> | Chunk[]; send: Send };

/** A sender that takes one rendered chunk as the row's payload (the WeCom long connection's `aibot_send_msg`). */
export type SendRow = (row: OutboxRow) => Promise<DeliverResult>;
