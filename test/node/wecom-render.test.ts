/** Neutral content rendered for WeCom, the simulator and plain text; WeCom's byte limits and splitting (R19). */
import { describe, expect, it } from "vitest";
import { renderWecom, renderWecomChunks, WECOM_LIMITS } from "../../src/bot/wecom/render.js";
import { simView } from "../../src/bot/sim/view.js";
import { channels, UnknownPlatform } from "../../src/delivery/channels.js";
import { buttons, caseLink, info, line, link, mention, msg, muted, quote, strong, title, toPlain, warn, type Message } from "../../src/domain/message.js";
import type { Channel } from "../../src/delivery/types.js";

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

const card: Message = {
  ...msg(
    title(caseLink(12, "#12"), " ", strong("荷花池街道积水")),
    line("状态：", warn("已逾期 2 天"), "，", info("待签收"), " ", muted("（来源：12345）")),
    line("责任人：", mention("zhangsan", "张三"), "，详见", link("https://duban.example/cases/12", "督办单")),
    quote("下一步：责任单位签收"),
    buttons({ label: "签收", command: "签收 #12", style: "primary" }, { label: "查询", command: "查询 #12" }),
  ),
  mentions: ["lisi"],
};

describe("WeCom rendering of neutral content", () => {
  it("renders title, tones, mentions, links, quotes, buttons and the message's mentions as WeCom markdown", () => {
    expect(renderWecom(card)).toBe(
      [
        "**#12 荷花池街道积水**",
        '状态：<font color="warning">已逾期 2 天</font>，<font color="info">待签收</font> <font color="comment">（来源：12345）</font>',
        "责任人：<@zhangsan>，详见[督办单](https://duban.example/cases/12)",
        "> 下一步：责任单位签收",
        "> 可回复：签收 #12 / 查询 #12",
        "<@lisi>",
      ].join("\n"),
    );
    expect(renderWecom("纯文本 **不是** 标记")).toBe("纯文本 **不是** 标记");
  });

  it("does not repeat a button whose command the text already spells out (签收 #1 is not said by 签收 #12)", () => {
    const m = msg(line("请发送：签收 #12"), buttons({ label: "签收", command: "签收 #12" }));
    expect(renderWecom(m)).toBe("请发送：签收 #12");
    const other = msg(line("请发送：签收 #12"), buttons({ label: "签收", command: "签收 #1" }), buttons({ label: "通过", command: "通过 #12" }));
    expect(renderWecom(other)).toBe("请发送：签收 #12\n> 可回复：签收 #1\n> 可回复：通过 #12");
  });

  it("puts the payload's mentions after the message's, once each, in the outbox chunk", () => {
    expect(renderWecomChunks({ message: card, mentions: ["lisi", "wangwu"] })).toEqual([{ markdown: `${renderWecom({ ...card, mentions: [] })}\n<@lisi> <@wangwu>` }]);
  });

  it("gives plain text as msgtype text with the mentions on the last chunk, and splits it at 2048 bytes", () => {
    const text = Array.from({ length: 300 }, (_, i) => `第${i}条提醒，请及时处理。`).join("\n");
    const chunks = renderWecomChunks({ message: text, mentions: ["a", "b"] });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text).join("")).toBe(text);
    for (const c of chunks) expect(bytes(String(c.text))).toBeLessThanOrEqual(WECOM_LIMITS.text);
    expect(chunks.slice(0, -1).every((c) => c.mentions === undefined)).toBe(true);
    expect(chunks.at(-1)?.mentions).toEqual(["a", "b"]);
  });

  it("still delivers rows written before issue 15 ({ markdown, mentions } and { text })", () => {
    expect(renderWecomChunks({ markdown: "**旧**", mentions: ["u"] })).toEqual([{ markdown: "**旧**", mentions: ["u"] }]);
    expect(renderWecomChunks({ text: "旧文本" })).toEqual([{ text: "旧文本" }]);
    expect(() => renderWecomChunks({})).toThrow(/格式无法识别/);
  });

  it("splits at 4096 bytes on block boundaries, never inside a mention near the boundary (R19)", () => {
    // Lines of 3 + 3·n bytes of CJK; the mention line is placed so that a byte cut would fall inside <@…>.
    const filler = (n: number) => line("办".repeat(n));
    const blocks = [title("超长通报"), ...Array.from({ length: 12 }, () => filler(110)), filler(30), line("请 ", mention("wangxiaoming_long_id"), " 核实"), ...Array.from({ length: 30 }, () => filler(110))];
    const m = msg(...blocks);
    const full = renderWecom(m);
    const lines = full.split("\n");
    const mentionAt = bytes(lines.slice(0, 14).join("\n")) + 1;
    expect(mentionAt).toBeLessThan(WECOM_LIMITS.markdown);
    expect(mentionAt + bytes(lines[14])).toBeGreaterThan(WECOM_LIMITS.markdown); // a byte-wise cut would break it
    const chunks = renderWecomChunks({ message: m }).map((c) => String(c.markdown));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(bytes(c)).toBeLessThanOrEqual(WECOM_LIMITS.markdown);
    expect(chunks.join("\n")).toBe(full); // nothing lost, cut only between lines
    for (const c of chunks) for (const l of c.split("\n")) expect(lines).toContain(l); // whole blocks only
    expect(chunks.filter((c) => c.includes("<@wangxiaoming_long_id>"))).toHaveLength(1);
    expect(chunks[1].startsWith("请 <@wangxiaoming_long_id>")).toBe(true);
  });

  it("splits one block longer than the limit without cutting a mention, a coloured run or a code point", () => {
    const spans = Array.from({ length: 400 }, (_, i) => [warn(`逾期😀${i}`), " ", mention(`user${i}`), "，"]).flat();
    const m = msg(line(...spans));
    const chunks = renderWecomChunks({ message: m }).map((c) => String(c.markdown));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(renderWecom(m));
    for (const c of chunks) {
      expect(bytes(c)).toBeLessThanOrEqual(WECOM_LIMITS.markdown);
      expect(c).not.toMatch(/<@[^>]*$|^[^<]*>|<font[^>]*>[^<]*$|[\uD800-\uDBFF]$/);
    }
  });
});

describe("plain text and the simulator", () => {
  it("toPlain drops all markup: names for mentions, commands for buttons", () => {
    expect(toPlain(card)).toBe(
      ["#12 荷花池街道积水", "状态：已逾期 2 天，待签收 （来源：12345）", "责任人：@张三，详见督办单", "> 下一步：责任单位签收", "可回复：签收 #12 / 查询 #12", "@lisi"].join("\n"),
    );
    expect(toPlain(card)).not.toMatch(/<font|<@|\*\*/);
  });

  it("the simulator shows buttons as buttons (their commands) and the mentions apart", () => {
    const v = simView(card, ["wangwu"]);
    expect(v.buttons).toEqual([
      { label: "签收", command: "签收 #12", style: "primary" },
      { label: "查询", command: "查询 #12" },
    ]);
    expect(v.markdown).not.toContain("可回复");
    expect(v.markdown).not.toContain("<@lisi>");
    expect(v.mentions).toEqual(["lisi", "wangwu"]);
  });
});

describe("the channel router", () => {
  const seen: string[] = [];
  const fake: Channel = { render: (row) => [{ markdown: row.target }], send: async (row) => (seen.push(row.target), { ok: true }) };
  const router = channels({ wecom: fake });

  it("hands each channel its own chat id; an unprefixed target (before issue 15) is WeCom", async () => {
    expect(await router.render({ id: 1, channel: "group", target: "wecom:wrkA:b", payload: {} })).toEqual([{ markdown: "wrkA:b" }]);
    expect(await router.send({ id: 2, channel: "group", target: "g-1", payload: {} }, {})).toEqual({ ok: true });
    expect(seen).toEqual(["g-1"]);
  });

  it("refuses a platform it has no channel for, permanently and with a clear error", async () => {
    const row = { id: 3, channel: "group", target: "dingtalk:cid1", payload: {} };
    expect(() => router.render(row)).toThrow(UnknownPlatform);
    expect(await router.send(row, {})).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("dingtalk") });
    expect(() => router.render({ ...row, target: "toString:x" })).toThrow(UnknownPlatform);
  });
});
