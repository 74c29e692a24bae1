/**
 * The WebCrypto-only WeCom callback crypto inside workerd (wecom.md §3.2–§3.4; reliability R04 [W]).
 * No `@wecom/crypto` here (it needs node:crypto): fixed vectors plus our own round-trip.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createWecomCrypto, parseEncodingAesKey, timingSafeEqual, WecomCryptoError, type WecomCryptoErrorCode } from "../../src/bot/wecom/crypto.js";

const TOKEN = "QDG6eK";
const KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP_ID = "wx5823bf96d3bd56c7";

const smartBot = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY });
const selfBuiltApp = createWecomCrypto({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP_ID });
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

// §3.2
const OFFICIAL_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
const OFFICIAL_MSG =
  "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
const OFFICIAL_XML =
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n" +
  "<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n" +
  "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

// §3.3
const TS = "1700000000";
const NONCE = "nonce123";
const INBOUND_PLAIN =
  '{"msgid":"CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=","aibotid":"AIBOTID","chatid":"CHATID","chattype":"group","from":{"userid":"USERID"},"response_url":"RESPONSEURL","msgtype":"text","text":{"content":"@RobotA hello robot"}}';
const INBOUND_ENC =
  "sKqRbbiSUnDhFHOvPjtUMcw0RmRNkLSpAwtrwZiMb9vVnpG3UVwnmBvcI4Hn9HXYXR+P8ZHkMy5J/emUWEvGEoYyLQ1sHR5gbyfkDv1sPJuwYvXryOyuAT2s0y64qmWqSCi+rxqA2c4Jpx9vFsl8xkSwf0JfF0huG2Z6s1AGgFS8S06CLbMIthQ4sKTzaoMOFv4p779b0bgcQh8N8z6Duig8JKjMdbiK06I3TKmPyBsUZOWKQVwVvY5jtDTkLGjve14QqajYP/JdK5l4W/YNtOoMkO1Kc1JL49K8AhBshNK7x2heD1BX/UO0FVbQDYVpjYlo1sJhKmtMpHlzEns7qA==";
const INBOUND_SIG = "2595e02138b063769cd32bf77fb81135b3b2fb27";
const ECHO_ENC = "sKqRbbiSUnDhFHOvPjtUMWzf2R8PrpMiTTPaicBgqZm9eFleDkaZY7LObMBXhUqCcxijQlSKcvc+WpPyowukzA==";
const ECHO_SIG = "f158b7f9d930b25b3af3f5c4ae121cd231cf21e0";
const REPLY_PLAIN = '{"msgtype":"stream","stream":{"id":"STREAMID","finish":false,"content":"thinking..."}}';
const REPLY_ENC =
  "P9TP8OO8ZpJE35Ha/87+5G9nQfEMpFHQAegk2eYnCzJf0Tt3zBUooNGOS08sXBOxrVMdI/LZr+pSNS8o9kZxNroa8q7IVWbDWC2oVsBtm3djU87pSqmPRrXSUrSB6yIHgS3WYF1hkoHAFNMtYJ7ANSfEUV0wlln4CB46v00FIbY=";
const REPLY_SIG = "b22b13618e9257ffc155db4f50d612cc71f17938";

async function codeOf(p: Promise<unknown>): Promise<WecomCryptoErrorCode> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WecomCryptoError);
    return (err as WecomCryptoError).code;
  }
  throw new Error("expected a rejection");
}

describe("WeCom crypto in workerd", () => {
  it("runs in workerd", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
  });

  it("derives the §3.3 AESKey", () => {
    expect(hex(parseEncodingAesKey(KEY))).toBe("8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760");
  });

  it("official §3.2 vector: signatures and byte-exact decryption", async () => {
    expect(await selfBuiltApp.signature("1409659589", "263014780", OFFICIAL_ECHOSTR)).toBe("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
    expect(await selfBuiltApp.verifyAndDecrypt("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780", OFFICIAL_ECHOSTR)).toBe(
      "1616140317555161061",
    );
    expect(await selfBuiltApp.signature("1409659813", "1372623149", OFFICIAL_MSG)).toBe("477715d11cdb4164915debcba66cb864d751f3e6");
    const xml = await selfBuiltApp.verifyAndDecrypt("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", OFFICIAL_MSG);
    expect(xml).toBe(OFFICIAL_XML);
    expect(ascii(xml).length).toBe(284);
    expect(await codeOf(smartBot.decrypt(OFFICIAL_MSG))).toBe("BAD_RECEIVEID");
  });

  it("smart-bot §3.3 vectors: inbound (pad 21 > 16), echostr, passive reply", async () => {
    expect(await smartBot.signature(TS, NONCE, INBOUND_ENC)).toBe(INBOUND_SIG);
    expect(await smartBot.verifyAndDecrypt(INBOUND_SIG, TS, NONCE, INBOUND_ENC)).toBe(INBOUND_PLAIN);
    expect(await smartBot.encrypt(INBOUND_PLAIN, { random: ascii("0123456789abcdef") })).toBe(INBOUND_ENC);

    expect(await smartBot.signature(TS, NONCE, ECHO_ENC)).toBe(ECHO_SIG);
    expect(await smartBot.verifyAndDecrypt(ECHO_SIG, TS, NONCE, ECHO_ENC)).toBe("1616140317555161061");
    expect(await smartBot.encrypt("1616140317555161061", { random: ascii("0123456789abcdef") })).toBe(ECHO_ENC);

    const body = await smartBot.encryptReply(REPLY_PLAIN, TS, NONCE, { random: ascii("fedcba9876543210") });
    expect(body).toEqual({ encrypt: REPLY_ENC, msgsignature: REPLY_SIG, timestamp: TS, nonce: NONCE });
    expect(await smartBot.decrypt(REPLY_ENC)).toBe(REPLY_PLAIN);
  });

  it("rejects tampering and malformed input with typed errors", async () => {
    expect(await smartBot.verify(INBOUND_SIG.replace(/^2/, "3"), TS, NONCE, INBOUND_ENC)).toBe(false);
    expect(await smartBot.verify(INBOUND_SIG, "1700000001", NONCE, INBOUND_ENC)).toBe(false);
    expect(await codeOf(smartBot.verifyAndDecrypt(INBOUND_SIG, TS, "nonce124", INBOUND_ENC))).toBe("BAD_SIGNATURE");
    expect(await codeOf(smartBot.decrypt("not base64!"))).toBe("BAD_BASE64");
    expect(await codeOf(smartBot.decrypt(INBOUND_ENC.slice(0, -1)))).toBe("BAD_BASE64");
    expect(await codeOf(smartBot.decrypt("AAAAAAAAAAAAAAAAAAAAAA=="))).toBe("BAD_LENGTH");
    expect(await codeOf(smartBot.decrypt(INBOUND_ENC.slice(0, 64)))).toBe("BAD_PADDING");
    expect(timingSafeEqual(INBOUND_SIG, INBOUND_SIG)).toBe(true);
    expect(timingSafeEqual(INBOUND_SIG, ECHO_SIG)).toBe(false);
  });

  it("decrypt(encrypt(x)) == x for CJK, emoji and arbitrary Unicode (50 runs)", async () => {
    const unit = fc.oneof(
      fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)),
      fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c)),
      fc.constantFrom("\ufeff", "\u0000", "👨‍👩‍👧‍👦", "督办"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit, maxLength: 1024, size: "small" }), fc.string({ unit, maxLength: 1024, size: "max" })),
        fc.constantFrom(smartBot, selfBuiltApp),
        async (text, bot) => {
          expect(await bot.decrypt(await bot.encrypt(text))).toBe(text);
        },
      ),
      { numRuns: 50 },
    );
  });
});
