/**
 * Pure parts of the DingTalk channel: neutral content → markdown (mentions, colours, command links, splitting to
 * the documented byte caps), the robot message schema, the outbound host allow-list and the DingTalk settings.
 */
import { describe, expect, it } from "vitest";
import { isAllowedUrl, legacyBase, routeUrl } from "../../src/bot/dingtalk/hosts.js";
import { readRobotMessage } from "../../src/bot/dingtalk/payload.js";
import { MAX_TEXT_JSON_BYTES, renderDingtalk, webhookBody, withNames } from "../../src/bot/dingtalk/render.js";
import { ConfigError, parseConfig } from "../../src/config.js";
import { buttons, caseLink, line, mention, msg, quote, strong, title, warn } from "../../src/domain/message.js";

const people = new Map([
  ["hh.head", { name: "王芳", dingtalkId: "dt-hh.head" }],
  ["cg.head", { name: "郑八", dingtalkId: null }],
]);
const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

describe("renderDingtalk", () => {
  it("draws title, emphasis, colour, quotes and mentions in DingTalk's form", () => {
    const [m] = renderDingtalk(msg(title("已交办 ", caseLink(12)), line("期限 ", warn("12月25日"), " ", strong("加急")), line("请 ", mention("hh.head"), " 与 ", mention("cg.head"), " 签收"), quote("下一步：签收 #12")), people);
    expect(m.title).toBe("已交办 #12");
    expect(m.text).toBe("**已交办 #12**\n\n期限 <font color=#D93026>12月25日</font> **加急**\n\n请 @dt-hh.head 与 郑八 签收\n\n> 下一步：签收 #12");
    expect(m.atUserIds).toEqual(["dt-hh.head"]); // 郑八 has no DingTalk id: named, not pinged
    expect(webhookBody(m).at).toEqual({ atUserIds: ["dt-hh.head"], isAtAll: false });
    expect(withNames(m).text).toContain("请 @王芳 与 郑八 签收");
  });

  it("turns buttons into dtmd links that send the typed command, and shows the command too", () => {
    const [m] = renderDingtalk(msg(buttons({ label: "签收", command: "签收 #12" }, { label: "驳回", command: "驳回 #12" })), people, { botName: "督办助手" });
    expect(m.text).toContain("[签收](dtmd://dingtalkclient/sendMessage?content=%E7%AD%BE%E6%94%B6%20%2312)");
    expect(decodeURIComponent(/content=([^)]+)\)/.exec(m.text)![1])).toBe("签收 #12");
    expect(m.text).toContain("@督办助手 发送：签收 #12 / 驳回 #12");
  });

  it("splits long content on block boundaries within the byte cap; nothing lost, mentions where they stand", () => {
    const lines = Array.from({ length: 1500 }, (_, i) => line(`第${i}行：荷花池街道某烧烤店油烟扰民，"已约谈"`));
    const chunks = renderDingtalk(msg(title("周报"), ...lines), people, { mentions: ["hh.head"] });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(bytes(JSON.stringify(c.text))).toBeLessThanOrEqual(MAX_TEXT_JSON_BYTES);
      expect(bytes(JSON.stringify({ title: c.title, text: c.text }))).toBeLessThanOrEqual(15_000); // msgParam cap (§4b)
      expect(c.title).toBe("周报");
    }
    const all = chunks.map((c) => c.text).join("\n\n");
    expect(all.split("\n\n")).toHaveLength(1 + 1500 + 1);
    expect(all).toContain("第1499行");
    expect(chunks.at(-1)!.atUserIds).toEqual(["dt-hh.head"]);
    expect(chunks[0].atUserIds).toEqual([]);
  });

  it("cuts a single huge line by code points, never inside a character", () => {
    const chunks = renderDingtalk("督".repeat(20_000), people);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text).join("")).toBe("督".repeat(20_000));
  });
});

describe("robot message schema", () => {
  const base = { msgId: "m1", conversationId: "cidX", conversationType: "2", senderStaffId: "s1", sessionWebhook: "https://oapi.dingtalk.com/robot/sendBySession?session=a", sessionWebhookExpiredTime: 99 };
  it("reads text (trimmed), pictures and richText", () => {
    expect(readRobotMessage({ ...base, msgtype: "text", text: { content: " 签收 #3 " } })).toMatchObject({ kind: "message", chatId: "cidX", chatType: "group", staffId: "s1", text: "签收 #3", media: [], sessionWebhook: { expiresAt: 99 } });
    expect(readRobotMessage({ ...base, msgtype: "picture", content: { downloadCode: "dc" } })).toMatchObject({ text: "", media: [{ downloadCode: "dc" }] });
    const rich = readRobotMessage({ ...base, msgtype: "richText", content: { richText: [{ text: "进展 #3 " }, { type: "picture", downloadCode: "p1" }, { text: "已整改" }] } });
    expect(rich).toMatchObject({ text: "进展 #3 已整改", media: [{ downloadCode: "p1" }] });
  });
  it("keys a one-to-one chat by the sender; ignores audio and senders outside the organisation; refuses junk", () => {
    expect(readRobotMessage({ ...base, conversationType: "1", msgtype: "text", text: { content: "我的" } })).toMatchObject({ chatId: "single:s1", chatType: "single" });
    expect(readRobotMessage({ ...base, msgtype: "audio", content: {} })).toMatchObject({ kind: "ignore" });
    expect(readRobotMessage({ ...base, senderStaffId: undefined, msgtype: "text", text: { content: "x" } })).toMatchObject({ kind: "ignore" });
    expect(readRobotMessage({ ...base, conversationType: "3", msgtype: "text" })).toHaveProperty("refuse");
  });
});

describe("outbound hosts", () => {
  const pub = { apiBase: "https://api.dingtalk.com", apiBaseSet: false };
  const priv = { apiBase: "http://127.0.0.1:9000", apiBaseSet: true };
  it("allows DingTalk's hosts over https on 443 only, and nothing else", () => {
    expect(isAllowedUrl("https://oapi.dingtalk.com/robot/sendBySession?session=a", pub)).toBe(true);
    expect(isAllowedUrl("https://api.dingtalk.com/v1.0/x", pub)).toBe(true);
    for (const bad of ["http://oapi.dingtalk.com/x", "https://oapi.dingtalk.com:8443/x", "https://evil-dingtalk.com/x", "https://dingtalk.com.evil.cn/x", "https://127.0.0.1/x", "https://u:p@oapi.dingtalk.com/x", "file:///etc/passwd"]) {
      expect(isAllowedUrl(bad, pub), bad).toBe(false);
    }
    expect(isAllowedUrl("https://bucket.oss-cn-hangzhou.aliyuncs.com/f", pub, { anyHttps: true })).toBe(true);
  });
  it("with DINGTALK_API_BASE set, DingTalk URLs go to it and plain http only to its origin", () => {
    expect(routeUrl("https://oapi.dingtalk.com/robot/send?access_token=T", priv)).toBe("http://127.0.0.1:9000/robot/send?access_token=T");
    expect(routeUrl("https://oapi.dingtalk.com/robot/send", pub)).toBe("https://oapi.dingtalk.com/robot/send");
    expect(isAllowedUrl("http://127.0.0.1:9000/robot/sendBySession", priv)).toBe(true);
    expect(isAllowedUrl("http://127.0.0.1:9001/robot/sendBySession", priv)).toBe(false);
    expect(legacyBase(priv)).toBe("http://127.0.0.1:9000");
    expect(legacyBase(pub)).toBe("https://oapi.dingtalk.com");
  });
});

describe("DingTalk settings", () => {
  const on = { DINGTALK_MODE: "http", DINGTALK_APP_KEY: "k", DINGTALK_APP_SECRET: "very-secret-value", DINGTALK_ROBOT_CODE: "r", SESSION_SECRET: "s".repeat(40) };
  it("parses the section and leaves local mode", () => {
    const c = parseConfig(on);
    expect(c.dingtalk).toEqual({ mode: "http", appKey: "k", appSecret: "very-secret-value", robotCode: "r", apiBase: "https://api.dingtalk.com", apiBaseSet: false });
    expect(c.local).toBe(false);
    expect(parseConfig({}).dingtalk.mode).toBe("off");
  });
  it("names each missing setting, and never echoes the secret", () => {
    for (const key of ["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_ROBOT_CODE", "SESSION_SECRET"] as const) {
      const env: Record<string, string> = { ...on, DINGTALK_MODE: "stream" };
      delete env[key];
      expect(() => parseConfig(env)).toThrow(new RegExp(`${key} is required`));
    }
    try {
      parseConfig({ ...on, DINGTALK_API_BASE: "ftp://x", DINGTALK_MODE: "bogus" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect(String((e as Error).message)).not.toContain("very-secret-value");
    }
  });
});

describe("mention spacing", () => {
  it("puts one space around a pinged @id and none around a plain name", () => {
    const [m] = renderDingtalk(msg(line("请", mention("hh.head"), "和", mention("cg.head"), "签收"), line(mention("hh.head"), "  已签收")), people);
    expect(m.text).toBe("请 @dt-hh.head 和郑八签收\n\n@dt-hh.head 已签收");
  });
});
