/**
 * Administrator MFA (R30): after the password or the login link, an administrator proves a TOTP code before any
 * session exists. The first time, the challenge carries a new secret to enrol; the code confirms the enrolment.
 * Every code counts toward the account lockout (5 → 15 min, R31) before it is checked, and leaves an audit row.
 */
import type { Deps } from "../../deps.js";
import { commit, insertAudit } from "../../db/write.js";
import { claimAttempt, lockIfReached, releaseAttempts } from "../../db/login.js";
import { CHALLENGE_MAX_ATTEMPTS, claimCodeAttempt, completeChallenge, openChallenge, type NewChallenge, type OpenChallenge } from "../../db/mfa.js";
import { endSession, newSessionToken, type NewSession } from "../../db/sessions.js";
import { randomToken, sha256Hex } from "../../db/tokens.js";
import { LOCK_MS, MAX_FAILURES } from "./lockout.js";
import { matchTotp, newTotpSecret, openSecret, otpauthUri, sealSecret } from "./totp.js";

export const ISSUER = "督办台";

export const mfaRequired = (deps: Deps, roles: readonly string[]): boolean => deps.config.adminMfa && roles.includes("admin");

/** A challenge token and its row; a person without an authenticator (`enrolled` false) gets a new secret to enrol. */
export async function newChallenge(deps: Deps, personId: number, enrolled: boolean, via: NewChallenge["via"], next?: string): Promise<{ token: string; row: NewChallenge }> {
  const token = randomToken(32);
  const pendingSecret = enrolled ? null : await sealSecret(deps.config.sessionSecret, personId, newTotpSecret());
  return { token, row: { tokenHash: await sha256Hex(token), personId, via, pendingSecret, next: next ?? null } };
}

const validToken = (t: string | undefined): t is string => !!t && /^[A-Za-z0-9_-]{20,100}$/.test(t);

export type MfaView = { name: string; userId: string; enrol?: { secret: string; uri: string }; attemptsLeft: number };

/** What the code page shows for a challenge cookie, or undefined when it cannot be answered. Read-only (R33). */
export async function mfaView(deps: Deps, token: string | undefined): Promise<MfaView | undefined> {
  if (!validToken(token)) return undefined;
  const c = await openChallenge(deps.db, await sha256Hex(token), deps.clock());
  if (!c) return undefined;
  const base = { name: c.person.name, userId: c.person.userId, attemptsLeft: CHALLENGE_MAX_ATTEMPTS - c.attempts };
  if (!c.pendingSecret) return base;
  const secret = await openSecret(deps.config.sessionSecret, c.personId, c.pendingSecret);
  return secret ? { ...base, enrol: { secret, uri: otpauthUri(secret, c.person.userId, ISSUER) } } : undefined;
}

export type MfaResult =
  | { ok: true; session: NewSession; roles: string[]; next?: string }
  | { ok: false; reason: "expired" | "locked" | "unreadable" }
  | { ok: false; reason: "wrong"; attemptsLeft: number };

async function secretOf(deps: Deps, c: OpenChallenge): Promise<string | undefined> {
  const sealed = c.pendingSecret ?? c.person.totpSecret;
  return sealed ? openSecret(deps.config.sessionSecret, c.personId, sealed) : undefined;
}

/** Check a typed code against the challenge named by the cookie; on success spend it and open the session. */
export async function verifyMfa(ctx: { deps: Deps; source: string; previousSessionId?: string }, token: string | undefined, code: string): Promise<MfaResult> {
  const { deps, source } = ctx;
  const { db } = deps;
  const now = deps.clock();
  const tokenHash = validToken(token) ? await sha256Hex(token) : undefined;
  const c = tokenHash ? await openChallenge(db, tokenHash, now) : undefined;
  if (!tokenHash || !c) {
    await commit(db, [insertAudit(db, { at: now, actor: "(mfa)", action: "auth.mfa", result: "failed", source, detail: { reason: "invalid_or_expired" } })]);
    return { ok: false, reason: "expired" };
  }
  const actor = c.person.userId;
  const object = `person:${c.personId}`;
  const who = { actor, source };
  // Both counts are taken before the code is checked, so concurrent guesses cannot outrun them (R31): the
  // challenge's own limit, then the account's lockout counter shared with the password step.
  const attempt = await claimCodeAttempt(db, tokenHash, now);
  if (attempt === undefined) {
    await commit(db, [insertAudit(db, { at: now, actor, action: "auth.mfa", object, result: "denied", source, detail: { reason: "attempts_used" } })]);
    return { ok: false, reason: "expired" };
  }
  const claim = await claimAttempt(db, c.personId, now, MAX_FAILURES, now + LOCK_MS, who);
  if (!claim.ok) {
    await commit(db, [insertAudit(db, { at: now, actor, action: "auth.mfa", object, result: "denied", source, detail: { reason: claim.lockedNow ? "too_many_attempts" : "locked" } })]);
    return { ok: false, reason: "locked" };
  }
  const secret = await secretOf(deps, c);
  if (!secret) {
    // The row was sealed under another SESSION_SECRET (or was reset meanwhile): only a reset helps.
    deps.log.warn("an administrator's authenticator secret cannot be opened; reset it with `duban admin reset-mfa`", { userId: actor });
    await commit(db, [releaseAttempts(db, c.personId, 1), insertAudit(db, { at: now, actor, action: "auth.mfa", object, result: "failed", source, detail: { reason: "secret_unreadable" } })]);
    return { ok: false, reason: "unreadable" };
  }
  const step = await matchTotp(secret, code, now, c.person.totpLastStep);
  if (step === undefined) {
    await commit(db, [
      insertAudit(db, { at: now, actor, action: "auth.mfa", object, result: "failed", source, detail: { reason: "bad_code", attempt, failures: claim.n, enrolling: !!c.pendingSecret } }),
      ...lockIfReached(db, c.personId, now, MAX_FAILURES, now + LOCK_MS, who),
    ]);
    if (claim.n >= MAX_FAILURES) return { ok: false, reason: "locked" };
    const attemptsLeft = CHALLENGE_MAX_ATTEMPTS - attempt;
    return attemptsLeft > 0 ? { ok: false, reason: "wrong", attemptsLeft } : { ok: false, reason: "expired" };
  }
  const session = await newSessionToken();
  const done = await completeChallenge(
    db,
    { tokenHash, personId: c.personId, step, enrolSecret: c.pendingSecret, attempts: claim.n },
    session,
    now,
    { source, detail: { via: c.via, ...(c.pendingSecret ? { enrolled: true } : {}) } },
    ctx.previousSessionId ? [endSession(db, ctx.previousSessionId, now)] : [],
  );
  if (!done) {
    // A concurrent right answer spent the challenge first: this attempt's count goes back.
    await commit(db, [releaseAttempts(db, c.personId, 1), insertAudit(db, { at: now, actor, action: "auth.mfa", object, result: "denied", source, detail: { reason: "already_used" } })]);
    return { ok: false, reason: "expired" };
  }
  return { ok: true, session, roles: c.person.roles, next: c.next ?? undefined };
}
