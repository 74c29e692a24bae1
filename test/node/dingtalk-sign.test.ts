/**
 * DingTalk signatures against the vectors of dingtalk.md §8, computed by two independent implementations: ours
 * (WebCrypto, src/bot/dingtalk/sign.ts) and the tests' node:crypto client (test/helpers/fake-dingtalk.ts).
 */
import { describe, expect, it } from "vitest";
import { constantTimeEqual, dingtalkSign, signWebhookUrl, verifyInbound } from "../../src/bot/dingtalk/sign.js";
import { refSign } from "../helpers/fake-dingtalk.js";

const VECTORS = [
  { id: "V1", secret: "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd", ts: "1700000000000", b64: "8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw=", url: "8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw%3D" },
  { id: "V2", secret: "this is secret", ts: "1577262236757", b64: "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=", url: "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D" },
  { id: "V3", secret: "AppSecret_Test-0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", ts: "1577262236757", b64: "mBhF5OIxCNaZBiMEb0S/f4CZuvoT2i0VxsUjAnn6I9A=", url: undefined },
  { id: "V4", secret: "SEC测试密钥", ts: "1700000000001", b64: "cu/hDkRj63LYDLcyrqiQlBUMcYXnGyXL5N0a2l2uyrs=", url: "cu%2FhDkRj63LYDLcyrqiQlBUMcYXnGyXL5N0a2l2uyrs%3D" },
];

describe("dingtalk.md §8 vectors", () => {
  it.each(VECTORS)("$id: ours and the independent client give the published sign", async (v) => {
    expect(await dingtalkSign(v.ts, v.secret)).toBe(v.b64);
    expect(refSign(v.ts, v.secret)).toBe(v.b64);
  });

  it.each(VECTORS.filter((v) => v.url))("$id: the custom-robot URL carries timestamp and the URL-encoded sign", async (v) => {
    const url = await signWebhookUrl("https://oapi.dingtalk.com/robot/send?access_token=T", v.secret, Number(v.ts));
    expect(url).toBe(`https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=${v.ts}&sign=${v.url}`);
  });
});

describe("inbound check (V3)", () => {
  const v = VECTORS[2];
  const ts = Number(v.ts);
  it("accepts the sign one second later", async () => {
    expect(await verifyInbound({ timestamp: v.ts, sign: v.b64 }, v.secret, ts + 1_000)).toEqual({ ok: true });
  });
  it("refuses it an hour and a millisecond later, and as far before", async () => {
    expect(await verifyInbound({ timestamp: v.ts, sign: v.b64 }, v.secret, ts + 3_600_001)).toMatchObject({ ok: false, reason: "stale" });
    expect(await verifyInbound({ timestamp: v.ts, sign: v.b64 }, v.secret, ts - 3_600_001)).toMatchObject({ ok: false, reason: "stale" });
    expect(await verifyInbound({ timestamp: v.ts, sign: v.b64 }, v.secret, ts + 3_600_000)).toEqual({ ok: true });
  });
  it("refuses the URL-encoded form, another secret, another timestamp and missing headers", async () => {
    expect(await verifyInbound({ timestamp: v.ts, sign: encodeURIComponent(v.b64) }, v.secret, ts)).toMatchObject({ reason: "mismatch" });
    expect(await verifyInbound({ timestamp: v.ts, sign: v.b64 }, `${v.secret}x`, ts)).toMatchObject({ reason: "mismatch" });
    expect(await verifyInbound({ timestamp: String(ts + 1), sign: v.b64 }, v.secret, ts)).toMatchObject({ reason: "mismatch" });
    expect(await verifyInbound({ timestamp: v.ts }, v.secret, ts)).toMatchObject({ reason: "missing" });
    expect(await verifyInbound({ timestamp: "12a", sign: v.b64 }, v.secret, ts)).toMatchObject({ reason: "malformed" });
  });
  it("constant-time comparison still tells equal from unequal, whatever the lengths", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "a")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});
