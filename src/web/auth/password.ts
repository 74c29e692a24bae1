/**
 * Password hashes that carry their algorithm and parameters (R30): "<algo>$<params>$<salt>$<hash>".
 *   scrypt$N=131072,r=8,p=1$<salt>$<hash>       Node (node:crypto, injected as `scrypt`)
 *   pbkdf2-sha256$i=100000$<salt>$<hash>         Workers and anywhere WebCrypto exists
 * Verification always uses the stored parameters; a login re-hashes with the runtime's preferred,
 * stronger setting when the stored one is weaker. No node: import here: this module is in the Worker bundle.
 */

export type ScryptParams = { N: number; r: number; p: number };
/** scrypt from the runtime (Node passes node:crypto's); absent on Workers. */
export type ScryptFn = (password: string, salt: Uint8Array, keylen: number, params: ScryptParams) => Promise<Uint8Array>;
export type PasswordHasher = { preferred: "scrypt" | "pbkdf2-sha256"; scrypt?: ScryptFn };

/** Cloudflare Workers refuses PBKDF2 above 100,000 iterations (workerd#1346): exactly the cap, asserted in tests. */
export const PBKDF2_ITERATIONS = 100_000;
/** OWASP's scrypt setting: N = 2^17, r = 8, p = 1 (128 MiB per hash). */
export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 128;

/** WebCrypto only: what the Worker uses, and the default when deps bring no hasher. */
export const webHasher: PasswordHasher = { preferred: "pbkdf2-sha256" };

export type ParsedHash =
  | { algo: "scrypt"; params: ScryptParams; salt: Uint8Array; hash: Uint8Array }
  | { algo: "pbkdf2-sha256"; iterations: number; salt: Uint8Array; hash: Uint8Array };

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
// One normal form, so a password typed on a phone IME and on a desktop hashes alike.
const norm = (password: string) => password.normalize("NFC");

function params(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of text.split(",")) {
    const [k, v] = kv.split("=");
    if (!k || !/^\d+$/.test(v ?? "")) throw new Error("bad params");
    out[k] = Number(v);
  }
  return out;
}

/** Parse a stored hash; undefined for anything malformed or unknown. */
export function parseHash(stored: string | null | undefined): ParsedHash | undefined {
  if (!stored) return undefined;
  const parts = stored.split("$");
  if (parts.length !== 4) return undefined;
  try {
    const [algo, p, salt, hash] = parts;
    const kv = params(p);
    if (algo === "scrypt" && kv.N > 1 && kv.r > 0 && kv.p > 0) return { algo, params: { N: kv.N, r: kv.r, p: kv.p }, salt: unb64(salt), hash: unb64(hash) };
    if (algo === "pbkdf2-sha256" && kv.i > 0) return { algo, iterations: kv.i, salt: unb64(salt), hash: unb64(hash) };
  } catch {
    return undefined;
  }
  return undefined;
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(norm(password)), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, key, bytes * 8));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Hash with the hasher's preferred algorithm and today's parameters. */
export async function hashPassword(h: PasswordHasher, password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  if (h.preferred === "scrypt") {
    if (!h.scrypt) throw new Error("scrypt is preferred but this runtime brought no scrypt implementation");
    const { N, r, p } = SCRYPT_PARAMS;
    return `scrypt$N=${N},r=${r},p=${p}$${b64(salt)}$${b64(await h.scrypt(norm(password), salt, KEY_BYTES, SCRYPT_PARAMS))}`;
  }
  return `pbkdf2-sha256$i=${PBKDF2_ITERATIONS}$${b64(salt)}$${b64(await pbkdf2(password, salt, PBKDF2_ITERATIONS, KEY_BYTES))}`;
}

export type VerifyResult = { ok: boolean; upgrade: boolean; unsupported: boolean };

/** Is the stored setting weaker than what this runtime would write today? */
export function isWeaker(h: PasswordHasher, p: ParsedHash): boolean {
  if (h.preferred === "scrypt") {
    if (!h.scrypt) return false;
    if (p.algo !== "scrypt") return true;
    return p.params.N < SCRYPT_PARAMS.N || p.params.r < SCRYPT_PARAMS.r || p.params.p < SCRYPT_PARAMS.p;
  }
  // On Workers a scrypt hash cannot be verified, let alone replaced; PBKDF2 below the cap is upgraded.
  return p.algo === "pbkdf2-sha256" && p.iterations < PBKDF2_ITERATIONS;
}

/** Verify against the stored algorithm and parameters; says whether a re-hash is due. */
export async function verifyPassword(h: PasswordHasher, password: string, stored: string | null | undefined): Promise<VerifyResult> {
  const p = parseHash(stored);
  if (!p) return { ok: false, upgrade: false, unsupported: true };
  let derived: Uint8Array;
  try {
    if (p.algo === "scrypt") {
      if (!h.scrypt) return { ok: false, upgrade: false, unsupported: true };
      derived = await h.scrypt(norm(password), p.salt, p.hash.length, p.params);
    } else {
      derived = await pbkdf2(password, p.salt, p.iterations, p.hash.length);
    }
  } catch {
    return { ok: false, upgrade: false, unsupported: true }; // e.g. Workers' NotSupportedError above 100,000 iterations
  }
  const ok = sameBytes(derived, p.hash);
  return { ok, upgrade: ok && isWeaker(h, p), unsupported: false };
}

const dummies = new WeakMap<PasswordHasher, Promise<string>>();
/**
 * Spend the same work as a real verification, for unknown users and locked accounts, so the answer's
 * timing does not tell them apart (R31). The dummy hash is made once per hasher.
 */
export async function dummyVerify(h: PasswordHasher, password: string): Promise<void> {
  let d = dummies.get(h);
  if (!d) dummies.set(h, (d = hashPassword(h, "duban-dummy-password")));
  await verifyPassword(h, password, await d);
}

/** Length rules only (ASVS 6.2.1/6.2.5/6.2.9: no composition rules); returns a Chinese problem or undefined. */
export function passwordProblem(password: string): string | undefined {
  const n = [...norm(password)].length;
  if (n < MIN_PASSWORD) return `密码至少 ${MIN_PASSWORD} 个字符（建议 15 个以上，可用一句话）。`;
  if (n > MAX_PASSWORD) return `密码不能超过 ${MAX_PASSWORD} 个字符。`;
  return undefined;
}
