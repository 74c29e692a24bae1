/** Node's password hasher: scrypt from node:crypto. Imported only by Node entries, never by the Worker. */
import { scrypt } from "node:crypto";
import type { PasswordHasher, ScryptFn } from "./password.js";

const nodeScrypt: ScryptFn = (password, salt, keylen, { N, r, p }) =>
  new Promise((resolve, reject) => {
    // scrypt needs 128·N·r·p bytes; the default maxmem (32 MiB) is too small for N = 2^17 (128 MiB).
    scrypt(password, salt, keylen, { N, r, p, maxmem: 256 * N * r * p + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))));
  });

export const nodeHasher: PasswordHasher = { preferred: "scrypt", scrypt: nodeScrypt };
