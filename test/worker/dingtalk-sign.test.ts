/**
 * DingTalk signing inside workerd (dingtalk.md §8): the HTTP receiver and 加签 run on Workers, so the WebCrypto
 * code must give the published vectors there too. (The node:crypto reference client is checked in Node.)
 */
import { describe, expect, it } from "vitest";
import { dingtalkSign, signWebhookUrl, verifyInbound } from "../../src/bot/dingtalk/sign.js";
import { renderDingtalk } from "../../src/bot/dingtalk/render.js";
import { line, mention, msg } from "../../src/domain/message.js";

describe("DingTalk signatures on workerd", () => {
  it("gives the §8 vectors (ASCII and UTF-8 secrets)", async () => {
    expect(await dingtalkSign("1700000000000", "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd")).toBe("8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw=");
    expect(await dingtalkSign("1577262236757", "this is secret")).toBe("hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=");
    expect(await dingtalkSign("1700000000001", "SEC测试密钥")).toBe("cu/hDkRj63LYDLcyrqiQlBUMcYXnGyXL5N0a2l2uyrs=");
    expect(await signWebhookUrl("https://oapi.dingtalk.com/robot/send?access_token=T", "this is secret", 1577262236757)).toBe(
      "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D",
    );
  });

  it("checks an inbound sign and its hour (V3)", async () => {
    const h = { timestamp: "1577262236757", sign: "mBhF5OIxCNaZBiMEb0S/f4CZuvoT2i0VxsUjAnn6I9A=" };
    const secret = "AppSecret_Test-0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
    expect(await verifyInbound(h, secret, 1577262237757)).toEqual({ ok: true });
    expect(await verifyInbound(h, secret, 1577262236757 + 3_600_001)).toMatchObject({ ok: false, reason: "stale" });
    expect(await verifyInbound({ ...h, sign: encodeURIComponent(h.sign) }, secret, 1577262237757)).toMatchObject({ ok: false, reason: "mismatch" });
  });

  it("renders a mention in DingTalk's form", () => {
    const [m] = renderDingtalk(msg(line("请 ", mention("u1"), " 签收")), new Map([["u1", { name: "王芳", dingtalkId: "staff1" }]]));
    expect(m).toMatchObject({ text: "请 @staff1 签收", atUserIds: ["staff1"] });
  });
});
