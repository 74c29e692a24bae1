/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30 s steps, 6 digits — what every
 * authenticator app (腾讯身份验证器, Microsoft/Google Authenticator) expects by default. WebCrypto only, so the
 * same code runs on Node and Workers. Secrets are stored sealed with AES-GCM under a key derived from
 * SESSION_SECRET, so a copied database alone does not yield them.
 */
import { b64url, fromB64url } from "../../db/tokens.js";

export const STEP_SECONDS = 30;
export const DIGITS = 6;
/** Codes from one step either side are accepted: phone clocks drift and people type slowly. */
export const WINDOW_STEPS = 1;

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) throw new Error("not base32");
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** A fresh 160-bit secret (RFC 4226 §4 recommends 160), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return base32Encode(crypto.getRandomValues(new Uint8Array(20)));
}

export const stepAt = (ms: number): number => Math.floor(ms / 1000 / STEP_SECONDS);

/** The HOTP value of `secret` at counter `step`, zero-padded to `digits`. */
export async function hotp(secret: Uint8Array, step: number, digits = DIGITS, hash: "SHA-1" | "SHA-256" | "SHA-512" = "SHA-1"): Promise<string> {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(step));
  const key = await crypto.subtle.importKey("raw", secret as Uint8Array<ArrayBuffer>, { name: "HMAC", hash }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter));
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, "0");
}

/**
 * The step a typed code matches, searching `WINDOW_STEPS` either side of now, or undefined.
 * Steps at or before `lastStep` are refused: a code works once, even within its own 30 s (RFC 6238 §5.2).
 */
export async function matchTotp(secretB32: string, code: string, nowMs: number, lastStep: number | null): Promise<number | undefined> {
  const typed = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) return undefined;
  const secret = base32Decode(secretB32);
  const now = stepAt(nowMs);
  let found: number | undefined;
  // Every candidate is computed and compared, so timing does not say which step (if any) matched.
  for (let s = now - WINDOW_STEPS; s <= now + WINDOW_STEPS; s++) {
    const expected = await hotp(secret, s);
    let diff = 0;
    for (let i = 0; i < DIGITS; i++) diff |= expected.charCodeAt(i) ^ typed.charCodeAt(i);
    if (diff === 0 && found === undefined && (lastStep === null || s > lastStep)) found = s;
  }
  return found;
}

/** The otpauth:// URI an authenticator app scans (Key Uri Format). */
export function otpauthUri(secretB32: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretB32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}

/** Secret as shown for typing by hand: groups of four. */
export const groupedSecret = (s: string): string => s.replace(/(.{4})/g, "$1 ").trim();

// ---- sealing at rest -------------------------------------------------------------------------------------


async function sealKey(sessionSecret: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", new TextEncoder().encode(sessionSecret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("duban totp secret v1") },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** "v1.<iv>.<ciphertext>"; the person's id is bound as associated data so a sealed secret cannot be moved to another account. */
export async function sealSecret(sessionSecret: string, personId: number, secretB32: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(`person:${personId}`) }, await sealKey(sessionSecret), new TextEncoder().encode(secretB32));
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}

/** The base32 secret, or undefined when it cannot be opened (SESSION_SECRET changed, or the row was tampered with). */
export async function openSecret(sessionSecret: string, personId: number, sealed: string): Promise<string | undefined> {
  const [v, iv, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !ct) return undefined;
  try {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64url(iv) as Uint8Array<ArrayBuffer>, additionalData: new TextEncoder().encode(`person:${personId}`) }, await sealKey(sessionSecret), fromB64url(ct) as Uint8Array<ArrayBuffer>);
    return new TextDecoder().decode(pt);
  } catch {
    return undefined;
  }
}
