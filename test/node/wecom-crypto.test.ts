/**
 * WeCom callback crypto (wecom.md §3; reliability R02–R04): the official vector (§3.2), the smart-bot vectors (§3.3),
 * two-way interoperability with the official `@wecom/crypto` package, malformed-input fuzzing and signature tampering.
 * `node:crypto` and `@wecom/crypto` appear here only as independent oracles; the module under test uses WebCrypto.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { decrypt as officialDecrypt, encrypt as officialEncrypt, getSignature as officialSignature } from "@wecom/crypto";
import fc from "fast-check";
import { nodeCryptoPrimitives } from "../../src/runtime/node-crypto.js";
import { sha256Text } from "../../src/db/wecom-replay.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  base64ToBytes,
  bytesToBase64,
  createWecomCrypto,
  parseEncodingAesKey,
  timingSafeEqual,
  WecomCryptoError,
  type WecomCryptoErrorCode,
} from "../../src/bot/wecom/crypto.js";

// §3.2 / §3.3 constants
const TOKEN = "QDG6eK";
const KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP_ID = "wx5823bf96d3bd56c7";
const AES_KEY_HEX = "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760";

const OFFICIAL = {
  verify: {
    timestamp: "1409659589",
    nonce: "263014780",
    echostr: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
    signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    plaintext: "1616140317555161061",
  },
  message: {
    timestamp: "1409659813",
    nonce: "1372623149",
    signature: "477715d11cdb4164915debcba66cb864d751f3e6",
    encrypt:
      "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
    plaintext:
      "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n" +
      "<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n" +
      "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>",
  },
} as const;

const SMART = {
  timestamp: "1700000000",
  nonce: "nonce123",
  inbound: {
    random: "0123456789abcdef",
    plaintext:
      '{"msgid":"CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=","aibotid":"AIBOTID","chatid":"CHATID","chattype":"group","from":{"userid":"USERID"},"response_url":"RESPONSEURL","msgtype":"text","text":{"content":"@RobotA hello robot"}}',
    encrypt:
      "sKqRbbiSUnDhFHOvPjtUMcw0RmRNkLSpAwtrwZiMb9vVnpG3UVwnmBvcI4Hn9HXYXR+P8ZHkMy5J/emUWEvGEoYyLQ1sHR5gbyfkDv1sPJuwYvXryOyuAT2s0y64qmWqSCi+rxqA2c4Jpx9vFsl8xkSwf0JfF0huG2Z6s1AGgFS8S06CLbMIthQ4sKTzaoMOFv4p779b0bgcQh8N8z6Duig8JKjMdbiK06I3TKmPyBsUZOWKQVwVvY5jtDTkLGjve14QqajYP/JdK5l4W/YNtOoMkO1Kc1JL49K8AhBshNK7x2heD1BX/UO0FVbQDYVpjYlo1sJhKmtMpHlzEns7qA==",
    signature: "2595e02138b063769cd32bf77fb81135b3b2fb27",
  },
  echostr: {
    random: "0123456789abcdef",
    plaintext: "1616140317555161061",
    encrypt: "sKqRbbiSUnDhFHOvPjtUMWzf2R8PrpMiTTPaicBgqZm9eFleDkaZY7LObMBXhUqCcxijQlSKcvc+WpPyowukzA==",
    signature: "f158b7f9d930b25b3af3f5c4ae121cd231cf21e0",
  },
  reply: {
    random: "fedcba9876543210",
    plaintext: '{"msgtype":"stream","stream":{"id":"STREAMID","finish":false,"content":"thinking..."}}',
    encrypt:
      "P9TP8OO8ZpJE35Ha/87+5G9nQfEMpFHQAegk2eYnCzJf0Tt3zBUooNGOS08sXBOxrVMdI/LZr+pSNS8o9kZxNroa8q7IVWbDWC2oVsBtm3djU87pSqmPRrXSUrSB6yIHgS3WYF1hkoHAFNMtYJ7ANSfEUV0wlln4CB46v00FIbY=",
    signature: "b22b13618e9257ffc155db4f50d612cc71f17938",
  },
} as const;

const smartBot = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY }); // receiveId "" (§1.A.1)
const selfBuiltApp = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP_ID });

const enc = new TextEncoder();
const ascii = (s: string): Uint8Array => enc.encode(s);
const utf8Len = (s: string): number => enc.encode(s).length;

// ---------------------------------------------------------------------------------------------------------------
// Oracles built on node:crypto (tests only) to craft ciphertexts the official encoder would never produce.

const AES_KEY = Buffer.from(AES_KEY_HEX, "hex");
const AES_IV = AES_KEY.subarray(0, 16);

/** AES-256-CBC over an already block-aligned buffer, no padding added. */
function rawEncrypt(plain: Uint8Array): string {
  expect(plain.length % 16).toBe(0);
  const c = createCipheriv("aes-256-cbc", AES_KEY, AES_IV);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString("base64");
}

function rawDecrypt(b64: string): Buffer {
  const d = createDecipheriv("aes-256-cbc", AES_KEY, AES_IV);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(b64, "base64")), d.final()]);
}

/** random(16) || msg_len || msg || receiveid, with msg_len overridable (§3.1). */
function layout(msg: Uint8Array, receiveId: Uint8Array, msgLen: number = msg.length): Uint8Array {
  const out = new Uint8Array(20 + msg.length + receiveId.length);
  out.set(ascii("RANDOMRANDOMRAND"), 0);
  new DataView(out.buffer).setUint32(16, msgLen, false);
  out.set(msg, 20);
  out.set(receiveId, 20 + msg.length);
  return out;
}

function pad32(body: Uint8Array): Uint8Array {
  const pad = 32 - (body.length % 32);
  const out = new Uint8Array(body.length + pad);
  out.set(body);
  out.fill(pad, body.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Rejection bookkeeping (R04: never anything but WecomCryptoError). How fast a rejection is (R04's 50 ms) is
// measured by bench/rejections.ts, never asserted here: a busy machine once took 108 ms for one.

async function expectRejection(run: () => Promise<unknown>, codes: readonly WecomCryptoErrorCode[]): Promise<void> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await run() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof WecomCryptoError)) throw new Error(`expected WecomCryptoError, got ${String(outcome.error)}`);
  if (!codes.includes(outcome.error.code)) throw new Error(`expected one of ${codes.join("/")}, got ${outcome.error.code}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const cjkChar = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
const emojiChar = fc.oneof(
  fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom("👨‍👩‍👧‍👦", "🇨🇳", "👍🏽", "❤️", "\u200d", "🧑🏻‍💻"),
);
const anyCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
const edgeChar = fc.constantFrom("\u0000", "\ufeff", "\n", "\r", " ", "\"", "\\", "中", "督", "办", "\u{10ffff}", "\ud7ff", "\ue000");
const textUnit = fc.oneof(cjkChar, emojiChar, anyCodePoint, edgeChar, fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }));

/** Truncates at a code-point boundary so the UTF-8 encoding is at most `max` bytes. */
function capUtf8(max: number): (s: string) => string {
  return (s) => {
    let bytes = 0;
    let out = "";
    for (const ch of s) {
      bytes += utf8Len(ch);
      if (bytes > max) break;
      out += ch;
    }
    return out;
  };
}

/** Well-formed Unicode strings of 0–4096 UTF-8 bytes: CJK, emoji (incl. ZWJ sequences), BOM, NUL, astral planes. */
const unicodeText = fc
  .oneof(
    fc.string({ unit: textUnit, maxLength: 4096, size: "small" }),
    fc.string({ unit: textUnit, maxLength: 4096, size: "large" }),
    fc.string({ unit: textUnit, maxLength: 4096, size: "xlarge" }),
    fc.string({ unit: cjkChar, minLength: 1300, maxLength: 1366 }),
  )
  .map(capUtf8(4096));

const random16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
// The same two bots on Node's synchronous primitives (src/runtime/node-crypto.ts): every property below runs on both.
const smartBotNode = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY, primitives: nodeCryptoPrimitives });
const selfBuiltAppNode = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP_ID, primitives: nodeCryptoPrimitives });
const bots = fc.constantFrom(smartBot, selfBuiltApp, smartBotNode, selfBuiltAppNode);

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------------------------

describe("key and configuration", () => {
  it("derives AESKey = base64(EncodingAESKey + '=') and IV = AESKey[0..16) (§3.1, §3.3)", () => {
    expect(Buffer.from(parseEncodingAesKey(KEY)).toString("hex")).toBe(AES_KEY_HEX);
  });

  it("accepts any 43-character base64 key that decodes to 32 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const key43 = Buffer.from(bytes).toString("base64").slice(0, 43);
        expect(Buffer.from(parseEncodingAesKey(key43)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects malformed keys and an empty token with BAD_KEY", () => {
    const bad = ["", KEY.slice(0, 42), `${KEY}A`, `${KEY}=`.slice(1), `${KEY.slice(0, 42)}-`, `${KEY.slice(0, 42)}=`, ` ${KEY.slice(1)}`, `中${KEY.slice(1)}`];
    for (const key of bad) {
      expect(() => parseEncodingAesKey(key)).toThrowError(WecomCryptoError);
      try {
        createWecomCrypto({ token: TOKEN, encodingAesKey: key });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(WecomCryptoError);
        expect((err as WecomCryptoError).code).toBe("BAD_KEY");
      }
    }
    expect(() => parseEncodingAesKey(undefined as unknown as string)).toThrowError(WecomCryptoError);
    try {
      createWecomCrypto({ token: "", encodingAesKey: KEY });
      expect.unreachable();
    } catch (err) {
      expect((err as WecomCryptoError).code).toBe("BAD_KEY");
    }
  });

  it("base64 helpers agree with Buffer on every byte string", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString("base64");
        expect(bytesToBase64(bytes)).toBe(b64);
        expect(Buffer.from(base64ToBytes(b64)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("official WXBizMsgCrypt vector (§3.2)", () => {
  it("URL verification: signature over echostr, decryption to the bare echo, receiveid = CorpID", async () => {
    const v = OFFICIAL.verify;
    expect(await selfBuiltApp.signature(v.timestamp, v.nonce, v.echostr)).toBe(v.signature);
    expect(await selfBuiltApp.verify(v.signature, v.timestamp, v.nonce, v.echostr)).toBe(true);
    const plain = await selfBuiltApp.verifyAndDecrypt(v.signature, v.timestamp, v.nonce, v.echostr);
    expect(plain).toBe(v.plaintext);
    expect(enc.encode(plain)).toEqual(ascii("1616140317555161061")); // byte-exact: no BOM, no newline (R02)
  });

  it("message: signature and byte-exact 284-byte XML", async () => {
    const m = OFFICIAL.message;
    expect(await selfBuiltApp.signature(m.timestamp, m.nonce, m.encrypt)).toBe(m.signature);
    expect(await selfBuiltApp.verify(m.signature, m.timestamp, m.nonce, m.encrypt)).toBe(true);
    const plain = await selfBuiltApp.verifyAndDecrypt(m.signature, m.timestamp, m.nonce, m.encrypt);
    expect(plain).toBe(m.plaintext);
    expect(utf8Len(plain)).toBe(284);
    expect(officialDecrypt(KEY, m.encrypt).message).toBe(m.plaintext);
  });

  it("the smart-bot instance (receiveid '') rejects the CorpID-tagged vectors with BAD_RECEIVEID", async () => {
    await expectRejection(() => smartBot.decrypt(OFFICIAL.verify.echostr), ["BAD_RECEIVEID"]);
    await expectRejection(() => smartBot.decrypt(OFFICIAL.message.encrypt), ["BAD_RECEIVEID"]);
  });
});

describe("smart-bot JSON vectors (§3.3)", () => {
  it("inbound callback: signature, decryption and byte-exact re-encryption", async () => {
    const v = SMART.inbound;
    expect(await smartBot.signature(SMART.timestamp, SMART.nonce, v.encrypt)).toBe(v.signature);
    expect(await smartBot.verify(v.signature, SMART.timestamp, SMART.nonce, v.encrypt)).toBe(true);
    const plain = await smartBot.verifyAndDecrypt(v.signature, SMART.timestamp, SMART.nonce, v.encrypt);
    expect(plain).toBe(v.plaintext);
    expect(utf8Len(plain)).toBe(215);
    expect(await smartBot.encrypt(v.plaintext, { random: ascii(v.random) })).toBe(v.encrypt);
  });

  it("the inbound vector has a 256-byte padded plaintext, msg_len 215 and pad byte 21 (> 16)", async () => {
    const padded = rawDecrypt(SMART.inbound.encrypt);
    expect(padded.length).toBe(256);
    expect(padded.readUInt32BE(16)).toBe(215);
    expect(padded[255]).toBe(21);
    // §3.4: a naive WebCrypto decryption fails on such a pad; ours does not.
    const key = await crypto.subtle.importKey("raw", new Uint8Array(AES_KEY), { name: "AES-CBC" }, false, ["decrypt"]);
    const ciphertext = new Uint8Array(Buffer.from(SMART.inbound.encrypt, "base64"));
    await expect(crypto.subtle.decrypt({ name: "AES-CBC", iv: new Uint8Array(AES_IV) }, key, ciphertext)).rejects.toThrow();
  });

  it("GET echostr", async () => {
    const v = SMART.echostr;
    expect(await smartBot.signature(SMART.timestamp, SMART.nonce, v.encrypt)).toBe(v.signature);
    expect(await smartBot.verifyAndDecrypt(v.signature, SMART.timestamp, SMART.nonce, v.encrypt)).toBe(v.plaintext);
    expect(await smartBot.encrypt(v.plaintext, { random: ascii(v.random) })).toBe(v.encrypt);
  });

  it("passive stream reply: encrypt, msgsignature and the exact HTTP body (§1.A.6)", async () => {
    const v = SMART.reply;
    expect(await smartBot.encrypt(v.plaintext, { random: ascii(v.random) })).toBe(v.encrypt);
    const body = await smartBot.encryptReply(v.plaintext, SMART.timestamp, SMART.nonce, { random: ascii(v.random) });
    expect(body).toEqual({ encrypt: v.encrypt, msgsignature: v.signature, timestamp: "1700000000", nonce: "nonce123" });
    expect(JSON.stringify(body)).toBe(`{"encrypt":"${v.encrypt}","msgsignature":"${v.signature}","timestamp":"1700000000","nonce":"nonce123"}`);
    expect(await smartBot.decrypt(body.encrypt)).toBe(v.plaintext);
    // A numeric timestamp is echoed as a number and signs identically.
    const numeric = await smartBot.encryptReply(v.plaintext, 1700000000, SMART.nonce, { random: ascii(v.random) });
    expect(numeric.timestamp).toBe(1700000000);
    expect(numeric.msgsignature).toBe(v.signature);
  });
});

describe("node:crypto primitives (the Node server's path)", () => {
  it("reproduce the smart-bot vectors byte for byte, and agree with WebCrypto on every pad value", async () => {
    const v = SMART.inbound;
    expect(await smartBotNode.signature(SMART.timestamp, SMART.nonce, v.encrypt)).toBe(v.signature);
    expect(await smartBotNode.verifyAndDecrypt(v.signature, SMART.timestamp, SMART.nonce, v.encrypt)).toBe(v.plaintext);
    expect(await smartBotNode.encrypt(v.plaintext, { random: ascii(v.random) })).toBe(v.encrypt);
    for (let n = 0; n <= 64; n++) {
      const text = "督".repeat(Math.floor(n / 3)) + "x".repeat(n % 3);
      const random = new Uint8Array(16).fill(n);
      const web = await smartBot.encrypt(text, { random });
      expect(await smartBotNode.encrypt(text, { random })).toBe(web);
      expect(await smartBotNode.decrypt(web)).toBe(text);
    }
  });

  it("hash a payload for the replay store exactly as WebCrypto does", async () => {
    for (const text of ["", "abc", "督办 #12", "\ud800 lone surrogate", "x".repeat(5000)]) expect(nodeCryptoPrimitives.sha256Hex(text)).toBe(await sha256Text(text));
  });

  it("draw each reply's random prefix fresh from the pool: never repeated, never all zero, across refills", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      // 600 × 16 bytes spans two refills of the 4 KiB pool; the prefix is the first 16 decrypted bytes.
      const enc = await smartBotNode.encrypt("x");
      const key = parseEncodingAesKey(KEY);
      const iv = key.slice(0, 16);
      const prefix = Buffer.from(nodeCryptoPrimitives.cbcDecryptRaw(key, iv, Uint8Array.from(Buffer.from(enc, "base64")))).subarray(0, 16).toString("hex");
      expect(prefix).not.toBe("0".repeat(32));
      seen.add(prefix);
    }
    expect(seen.size).toBe(600);
    const a = nodeCryptoPrimitives.randomBytes!(16);
    const copy = a.slice();
    nodeCryptoPrimitives.randomBytes!(16);
    expect(a).toEqual(copy); // a handed-out prefix is the caller's own
    expect(nodeCryptoPrimitives.randomBytes!(5000)).toHaveLength(5000);
  });

  it("refuse malformed input with the same typed errors", async () => {
    const good = await smartBot.encrypt("hello");
    const bytes = Uint8Array.from(Buffer.from(good, "base64"));
    bytes[bytes.length - 1] ^= 0xff; // the last block decrypts to garbage: bad padding
    for (const bad of [Buffer.from(bytes).toString("base64"), good.slice(0, 20), "not base64!"]) {
      const web = await smartBot.decrypt(bad).then(() => "ok", (e: { code?: string }) => e.code);
      expect(await smartBotNode.decrypt(bad).then(() => "ok", (e: { code?: string }) => e.code)).toBe(web);
      expect(web).not.toBe("ok");
    }
  });
});

describe("interoperability with @wecom/crypto (properties)", () => {
  it("our encrypt is byte-identical to @wecom/crypto's and it decrypts ours", async () => {
    await fc.assert(
      fc.asyncProperty(unicodeText, random16, bots, async (text, random, bot) => {
        const ours = await bot.encrypt(text, { random });
        expect(ours).toBe(officialEncrypt(KEY, text, bot.receiveId, Buffer.from(random)));
        const d = officialDecrypt(KEY, ours);
        expect(d.message).toBe(text);
        expect(d.id).toBe(bot.receiveId);
        expect(d.random.equals(Buffer.from(random))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("we decrypt whatever @wecom/crypto encrypts", async () => {
    await fc.assert(
      fc.asyncProperty(unicodeText, bots, async (text, bot) => {
        const theirs = officialEncrypt(KEY, text, bot.receiveId);
        expect(await bot.decrypt(theirs)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("decrypt(encrypt(x)) == x with a fresh random (R04 b)", async () => {
    await fc.assert(
      fc.asyncProperty(unicodeText, bots, async (text, bot) => {
        const a = await bot.encrypt(text);
        expect(await bot.decrypt(a)).toBe(text);
        // a different random each time
        expect(await bot.encrypt(text)).not.toBe(a);
      }),
      { numRuns: 300 },
    );
  });

  it("every pad value 1..32 round-trips in both directions", async () => {
    const seen = new Set<number>();
    for (const bot of [smartBot, selfBuiltApp]) {
      for (let n = 0; n <= 96; n++) {
        const text = "督".repeat(Math.floor(n / 3)) + "x".repeat(n % 3);
        const ours = await bot.encrypt(text);
        const padded = rawDecrypt(ours);
        seen.add(padded[padded.length - 1]);
        expect(padded.length % 32).toBe(0);
        expect(officialDecrypt(KEY, ours).message).toBe(text);
        expect(await bot.decrypt(officialEncrypt(KEY, text, bot.receiveId))).toBe(text);
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it("signature matches @wecom/crypto's getSignature for arbitrary inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.nat().map(String)),
        fc.string(),
        fc.string({ unit: "binary", maxLength: 200 }),
        async (timestamp, nonce, encrypt) => {
          expect(await smartBot.signature(timestamp, nonce, encrypt)).toBe(officialSignature(TOKEN, timestamp, nonce, encrypt));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("signature tampering (R03)", () => {
  type Field = "signature" | "timestamp" | "nonce" | "encrypt";
  const base: Record<Field, string> = {
    signature: SMART.inbound.signature,
    timestamp: SMART.timestamp,
    nonce: SMART.nonce,
    encrypt: SMART.inbound.encrypt,
  };
  const replacement = fc.oneof(
    fc.constantFrom(..."0123456789abcdefABCDEF+/= "),
    fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  );
  const tamper = fc
    .record({
      field: fc.constantFrom<Field>("signature", "timestamp", "nonce", "encrypt"),
      op: fc.constantFrom("replace", "insert", "delete"),
      index: fc.nat(),
      ch: replacement,
    })
    .map(({ field, op, index, ch }) => {
      const s = base[field];
      const i = index % (s.length + (op === "insert" ? 1 : 0));
      const changed =
        op === "replace" ? s.slice(0, i) + ch + s.slice(i + 1) : op === "insert" ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
      return { ...base, [field]: changed } as Record<Field, string>;
    })
    .filter((t) => t.signature !== base.signature || t.timestamp !== base.timestamp || t.nonce !== base.nonce || t.encrypt !== base.encrypt);

  it("rejects any single-character change in signature, timestamp, nonce or encrypt, without decrypting", async () => {
    expect(await smartBot.verify(base.signature, base.timestamp, base.nonce, base.encrypt)).toBe(true);
    const decryptSpy = vi.spyOn(crypto.subtle, "decrypt");
    await fc.assert(
      fc.asyncProperty(tamper, async (t) => {
        expect(await smartBot.verify(t.signature, t.timestamp, t.nonce, t.encrypt)).toBe(false);
        await expectRejection(() => smartBot.verifyAndDecrypt(t.signature, t.timestamp, t.nonce, t.encrypt), ["BAD_SIGNATURE"]);
      }),
      { numRuns: 1000 },
    );
    expect(decryptSpy).not.toHaveBeenCalled();
  });

  it("signatures are case-sensitive lowercase hex", async () => {
    const v = SMART.inbound;
    expect(await smartBot.verify(v.signature.toUpperCase(), SMART.timestamp, SMART.nonce, v.encrypt)).toBe(false);
    expect(await smartBot.verify("", SMART.timestamp, SMART.nonce, v.encrypt)).toBe(false);
    expect(await smartBot.verify(`${v.signature}0`, SMART.timestamp, SMART.nonce, v.encrypt)).toBe(false);
  });
});

describe("timingSafeEqual", () => {
  it("has string-equality semantics", () => {
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "ab")).toBe(false);
    expect(timingSafeEqual("ab", "abc")).toBe(false);
    expect(timingSafeEqual("", "a")).toBe(false);
    expect(timingSafeEqual("a\u0000", "a")).toBe(false);
    expect(timingSafeEqual("\u0000", "")).toBe(false);
    expect(timingSafeEqual("😀", "😁")).toBe(false);
    expect(timingSafeEqual("\ud83d", "\ud83d")).toBe(true);
    expect(timingSafeEqual(SMART.inbound.signature, SMART.inbound.signature.slice())).toBe(true);
  });

  it("agrees with === on arbitrary and near-identical strings", () => {
    const str = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 64 });
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a + b)).toBe(b.length === 0);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("malformed-input fuzzing (R04 a: 10,000 runs in total)", () => {
  let count = 0;
  const check = async (run: () => Promise<unknown>, codes: readonly WecomCryptoErrorCode[]): Promise<void> => {
    await expectRejection(run, codes);
    count++;
  };

  it("random base64 of any length (2,000 runs)", async () => {
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 600, size: "max" }),
      // block-aligned lengths reach the AES and padding checks
      fc.integer({ min: 2, max: 40 }).chain((blocks) => fc.uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 })),
    );
    await fc.assert(
      fc.asyncProperty(anyBytes, bots, async (bytes, bot) => {
        await check(() => bot.decrypt(Buffer.from(bytes).toString("base64")), ["BAD_LENGTH", "BAD_PADDING", "BAD_RECEIVEID"]);
      }),
      { numRuns: 2000 },
    );
  });

  it("ciphertext lengths that are not a multiple of 16, or shorter than 32 (1,500 runs)", async () => {
    const badLength = fc.oneof(
      fc.integer({ min: 0, max: 1024 }).filter((n) => n % 16 !== 0),
      fc.constantFrom(0, 1, 15, 16, 17, 31),
    );
    await fc.assert(
      fc.asyncProperty(badLength, fc.nat(), async (n, seed) => {
        const bytes = new Uint8Array(n).map((_, i) => (seed + i * 31) & 0xff);
        await check(() => smartBot.decrypt(Buffer.from(bytes).toString("base64")), ["BAD_LENGTH"]);
      }),
      { numRuns: 1500 },
    );
  });

  it("PKCS#7 pad bytes of 0, above 32, or inconsistent (1,500 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: textUnit, maxLength: 200 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 33, max: 255 }), fc.constant(-1)),
        fc.nat(),
        async (text, badPad, where) => {
          const padded = pad32(layout(enc.encode(text), new Uint8Array(0)));
          const last = padded.length - 1;
          if (badPad >= 0) {
            padded[last] = badPad;
          } else {
            // a valid-looking pad value whose earlier pad bytes disagree
            const pad = 2 + (where % 31);
            padded.fill(pad, padded.length - pad);
            padded[padded.length - pad + (where % (pad - 1))] ^= 0x40;
          }
          await check(() => smartBot.decrypt(rawEncrypt(padded)), ["BAD_PADDING"]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("msg_len larger than the buffer (1,500 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: textUnit, maxLength: 200 }),
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 0xffffffff })),
        bots,
        async (text, excess, bot) => {
          const msg = enc.encode(text);
          const rid = enc.encode(bot.receiveId);
          const msgLen = Math.min(0xffffffff, msg.length + rid.length + excess);
          await check(() => bot.decrypt(rawEncrypt(pad32(layout(msg, rid, msgLen)))), ["BAD_LENGTH"]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("wrong receiveid, including a non-empty one for the smart bot (1,000 runs)", async () => {
    const otherId = fc.oneof(
      fc.constantFrom(CORP_ID, "ww0000000000000000", "AIBOTID", " ", "\u0000", `${CORP_ID} `, CORP_ID.slice(1), CORP_ID.toUpperCase()),
      fc.string({ unit: textUnit, minLength: 1, maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: textUnit, maxLength: 200 }), otherId, bots, async (text, rid, bot) => {
        fc.pre(rid !== bot.receiveId);
        await check(() => bot.decrypt(officialEncrypt(KEY, text, rid)), ["BAD_RECEIVEID"]);
      }),
      { numRuns: 1000 },
    );
  });

  it("non-base64 text (1,500 runs)", async () => {
    const invalidChar = fc.oneof(
      fc.constantFrom(" ", "\n", "\t", "-", "_", "%", ".", "!", "中", "\u00a0", "\ufeff", "\u0000"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => !/^[A-Za-z0-9+/=]$/.test(c)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(SMART.inbound.encrypt, SMART.echostr.encrypt, SMART.reply.encrypt),
        fc.nat(),
        fc.oneof(invalidChar.map((c) => ({ kind: "replace" as const, c })), invalidChar.map((c) => ({ kind: "insert4" as const, c })), fc.constant({ kind: "truncate" as const, c: "" })),
        async (valid, where, mutation) => {
          let bad: string;
          if (mutation.kind === "replace") {
            const i = where % valid.length;
            bad = valid.slice(0, i) + mutation.c + valid.slice(i + 1);
          } else if (mutation.kind === "insert4") {
            // keep the length a multiple of 4 where the character is one code unit, so only the alphabet is wrong
            const i = where % valid.length;
            bad = valid.slice(0, i) + mutation.c + valid.slice(i + 1 + (mutation.c.length - 1));
          } else {
            bad = valid.slice(0, valid.length - 1 - (where % 3));
          }
          await check(() => smartBot.decrypt(bad), ["BAD_BASE64"]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("msg bytes that are not valid UTF-8 (1,000 runs)", async () => {
    const invalidUtf8 = fc.oneof(
      fc.constantFrom([0xff], [0xc0, 0x80], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => [...a, 0xff]),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 50 }), invalidUtf8, async (prefix, badBytes) => {
        const msg = new Uint8Array([...enc.encode(prefix), ...badBytes]);
        await check(() => smartBot.decrypt(rawEncrypt(pad32(layout(msg, new Uint8Array(0))))), ["BAD_LENGTH"]);
      }),
      { numRuns: 1000 },
    );
  });

  it("totals 10,000 rejections, all typed", () => {
    expect(count).toBe(10_000);
  });

  it("never throws synchronously, even for non-string input", async () => {
    const promise = smartBot.decrypt(42 as unknown as string);
    expect(promise).toBeInstanceOf(Promise);
    await expectRejection(() => promise, ["BAD_BASE64"]);
    await expectRejection(() => smartBot.decrypt(""), ["BAD_LENGTH"]);
    await expectRejection(() => smartBot.decrypt("===="), ["BAD_BASE64"]);
    await expectRejection(() => smartBot.encrypt("x", { random: new Uint8Array(15) }), ["BAD_LENGTH"]);
  });
});
