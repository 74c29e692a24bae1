/** What a channel sender reports back to the relay. */
export type DeliverResult = { ok: true } | { ok: false; retryable: boolean; error: string; pauseMs?: number };
