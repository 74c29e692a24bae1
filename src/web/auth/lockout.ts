/** Brute-force limits shared by the password and the TOTP steps of sign-in (R31). */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
/** Per source address: this many failed or refused attempts within a fixed window pause that source (R31). */
export const SOURCE_WINDOW_MS = 15 * 60_000;
export const SOURCE_MAX_FAILURES = 30;
