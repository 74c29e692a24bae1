/**
 * Sign-in use cases: password (lockout after 5 failures for 15 min, counted before the check so concurrent
 * attempts cannot outrun it, a per-source throttle, identical answers and
 * equal work for unknown users — R31), the one-time link, and sign-out. Every attempt leaves an audit row.
 */
import type { Deps } from "../../deps.js";
import { commit, insertAudit, type AuditInput, type BatchItem } from "../../db/write.js";
import { claimAttempt, claimSourceAttempt, lockIfReached, personByUserId, releaseAttempts, releaseSourceAttempt } from "../../db/login.js";
import { endSession, insertSession, newSessionToken, type NewSession } from "../../db/sessions.js";
import { peekLoginLink, redeemLoginLink } from "../../db/login-links.js";
import { insertChallenge, redeemLinkForChallenge } from "../../db/mfa.js";
import { sha256Hex } from "../../db/tokens.js";
import { LOCK_MS, MAX_FAILURES, SOURCE_MAX_FAILURES, SOURCE_WINDOW_MS } from "./lockout.js";
import { mfaRequired, newChallenge } from "./mfa.js";
import { dummyVerify, hashPassword, verifyPassword, webHasher } from "./password.js";

/** Signed in; or, for an administrator (R30), the first factor passed and `challenge` names the code step. */
export type LoginResult = { ok: true; session: NewSession; personId: number; roles: string[] } | { ok: "mfa"; challenge: string } | { ok: false };
type Ctx = { deps: Deps; source: string; previousSessionId?: string };

/** Userids come from the form: keep what the audit log shows short and free of control characters. */
const cleanUserId = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 64);

export async function passwordLogin(ctx: Ctx, input: { userId: string; password: string; next?: string }): Promise<LoginResult> {
  const { deps, source } = ctx;
  const { db } = deps;
  const h = deps.passwords ?? webHasher;
  const now = deps.clock();
  const userId = cleanUserId(input.userId);
  const password = input.password.slice(0, 1024);
  const audit = (a: Partial<AuditInput> & Pick<AuditInput, "result">): BatchItem =>
    insertAudit(db, { at: now, actor: userId || "(空)", action: "auth.login", source, ...a });

  // Counted before anything is checked, like the account's attempts, so a burst cannot outrun it (R31).
  if ((await claimSourceAttempt(db, source, now, SOURCE_WINDOW_MS)) > SOURCE_MAX_FAILURES) {
    await dummyVerify(h, password);
    await commit(db, [audit({ result: "denied", detail: { reason: "source_throttled" } })]);
    return { ok: false };
  }
  const person = userId ? await personByUserId(db, userId) : undefined;
  if (!person || !person.active) {
    await dummyVerify(h, password);
    await commit(db, [audit({ result: "failed", detail: { reason: person ? "inactive" : "unknown_user" } })]);
    return { ok: false };
  }
  const object = `person:${person.id}`;
  // The attempt is counted before the password is checked, so concurrent guesses cannot outrun the limit (R31).
  const claim = await claimAttempt(db, person.id, now, MAX_FAILURES, now + LOCK_MS, { actor: userId, source });
  if (!claim.ok) {
    await dummyVerify(h, password);
    await commit(db, [audit({ object, result: "denied", detail: { reason: claim.lockedNow ? "too_many_attempts" : "locked" } })]);
    return { ok: false };
  }
  if (!person.passwordHash) await dummyVerify(h, password); // same work as a real check
  const v = await verifyPassword(h, password, person.passwordHash);
  if (!v.ok) {
    const reason = !person.passwordHash ? "no_password" : v.unsupported ? "unsupported_hash" : "bad_password";
    if (reason === "unsupported_hash") deps.log.warn("a password hash cannot be verified on this runtime; sign in on Node or with a login link", { userId });
    await commit(db, [
      audit({ object, result: "failed", detail: { reason, failures: claim.n } }),
      ...lockIfReached(db, person.id, now, MAX_FAILURES, now + LOCK_MS, { actor: userId, source }),
    ]);
    return { ok: false };
  }
  const upgraded = v.upgrade ? await hashPassword(h, password) : undefined;
  if (mfaRequired(deps, person.roles)) {
    // Only this attempt's own count is given back: earlier failures stay until the code is right, so
    // password-right/code-wrong rounds still lock the account.
    const ch = await newChallenge(deps, person.id, person.totpSecret !== null, "password", input.next);
    await commit(db, [
      releaseAttempts(db, person.id, 1, upgraded),
      releaseSourceAttempt(db, source),
      insertChallenge(db, ch.row, now),
      audit({ object, result: "ok", detail: { mfa: ch.row.pendingSecret ? "enrol" : "required", ...(upgraded ? { hashUpgraded: upgraded.split("$")[0] } : {}) } }),
    ]);
    return { ok: "mfa", challenge: ch.token };
  }
  const session = await newSessionToken();
  await commit(db, [
    releaseAttempts(db, person.id, claim.n, upgraded),
    releaseSourceAttempt(db, source),
    ...(ctx.previousSessionId ? [endSession(db, ctx.previousSessionId, now)] : []),
    insertSession(db, session, person.id, now),
    audit({ object, result: "ok", detail: upgraded ? { hashUpgraded: upgraded.split("$")[0] } : undefined }),
  ]);
  return { ok: true, session, personId: person.id, roles: person.roles };
}

/** Burn a one-time link and open a session; a used, expired or unknown token gets an audit row and nothing else. */
export async function linkLogin(ctx: Ctx, token: string): Promise<LoginResult> {
  const { deps, source } = ctx;
  const now = deps.clock();
  const who = await peekLoginLink(deps.db, token, now);
  if (who && mfaRequired(deps, who.roles)) {
    const ch = await newChallenge(deps, who.personId, who.enrolled, "link");
    const { tokenHash, pendingSecret, next } = ch.row;
    if (await redeemLinkForChallenge(deps.db, await sha256Hex(token), { tokenHash, pendingSecret, next }, now, source)) return { ok: "mfa", challenge: ch.token };
    await commit(deps.db, [insertAudit(deps.db, { at: now, actor: "(link)", action: "auth.login_link", result: "failed", source, detail: { reason: "invalid_or_used" } })]);
    return { ok: false };
  }
  const session = await newSessionToken();
  const r = await redeemLoginLink(deps.db, token, session, now, source);
  if (!r) {
    await commit(deps.db, [insertAudit(deps.db, { at: now, actor: "(link)", action: "auth.login_link", result: "failed", source, detail: { reason: "invalid_or_used" } })]);
    return { ok: false };
  }
  if (ctx.previousSessionId) await commit(deps.db, [endSession(deps.db, ctx.previousSessionId, now)]);
  return { ok: true, session, personId: r.personId, roles: r.roles };
}

/** End the session now: the cookie can never be replayed (ASVS 7.4.1). */
export async function logout(ctx: Ctx & { userId: string; sessionId: string }): Promise<void> {
  const { deps } = ctx;
  const now = deps.clock();
  await commit(deps.db, [endSession(deps.db, ctx.sessionId, now), insertAudit(deps.db, { at: now, actor: ctx.userId, action: "auth.logout", result: "ok", source: ctx.source })]);
}
