/**
 * The button_interaction card of a neutral message (src/bot/wecom/card.ts) keeps WeCom's documented limits
 * (wecom.md §4.2: 6 buttons, button text ≈10 字, key ≤ 1024 bytes and unique, main_title ≈26 字, sub_title ≈112 字,
 * ≤ 6 horizontal items with keyname ≈5 / value ≈26 字, task_id [0-9A-Za-z_-@] ≤ 128 bytes) for any content, and only
 * card verbs become keys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CARD_COMMAND, CARD_LIMITS, cardOf, splitCard, taskIdOf } from "../../src/bot/wecom/card.js";
import { cardCommand } from "../../src/bot/wecom/payload.js";
import { finishedStreamWithCard } from "../../src/bot/wecom/reply.js";
import { renderWecom } from "../../src/bot/wecom/render.js";
import { buttons, line, msg, quote, title, type Button, type Message } from "../../src/domain/message.js";

const enc = new TextEncoder();
const chars = (s: string) => [...s].length;
type Card = { task_id: string; main_title: { title: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list: { text: string; style: number; key: string }[] };

function checkLimits(c: Card) {
  expect(c.button_list.length).toBeGreaterThan(0);
  expect(c.button_list.length).toBeLessThanOrEqual(CARD_LIMITS.buttons);
  expect(new Set(c.button_list.map((b) => b.key)).size).toBe(c.button_list.length);
  for (const b of c.button_list) {
    expect(chars(b.text)).toBeLessThanOrEqual(CARD_LIMITS.buttonText);
    expect(enc.encode(b.key).byteLength).toBeLessThanOrEqual(CARD_LIMITS.keyBytes);
    expect(b.key).toMatch(CARD_COMMAND);
    expect([1, 2, 3, 4]).toContain(b.style);
  }
  expect(chars(c.main_title.title)).toBeLessThanOrEqual(CARD_LIMITS.title);
  expect(chars(c.sub_title_text ?? "")).toBeLessThanOrEqual(CARD_LIMITS.subTitle);
  expect((c.horizontal_content_list ?? []).length).toBeLessThanOrEqual(CARD_LIMITS.horizontal);
  for (const h of c.horizontal_content_list ?? []) {
    expect(chars(h.keyname)).toBeLessThanOrEqual(CARD_LIMITS.keyname);
    expect(chars(h.value)).toBeLessThanOrEqual(CARD_LIMITS.value);
  }
  expect(c.task_id).toMatch(/^[0-9A-Za-z_@-]+$/);
  expect(enc.encode(c.task_id).byteLength).toBeLessThanOrEqual(CARD_LIMITS.taskIdBytes);
}

const verb = fc.constantFrom("签收", "通过", "驳回", "同意延期", "不同意延期", "进展", "交办");
const ids = fc.array(fc.integer({ min: 1, max: 999_999_999 }), { minLength: 1, maxLength: 120 });
const button = fc.record({ label: fc.string({ unit: "grapheme", maxLength: 20 }), command: fc.tuple(verb, ids).map(([v, n]) => `${v} ${n.map((i) => `#${i}`).join(" ")}`), style: fc.constantFrom(undefined, "primary" as const, "danger" as const) });
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 });
const lineText = fc.oneof(text, fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), text).map(([k, v]) => `${k}：${v}`), fc.array(fc.tuple(fc.constantFrom("牵头", "签收时限", "理由"), fc.string({ minLength: 1, maxLength: 30 })), { minLength: 1, maxLength: 4 }).map((ps) => ps.map(([k, v]) => `${k}：${v}`).join("　")));

describe("button_interaction card of a neutral message", () => {
  it("keeps every documented limit for any title, lines, quotes and up to 10 buttons", () => {
    fc.assert(
      fc.property(text, fc.array(lineText, { maxLength: 12 }), fc.array(button, { minLength: 1, maxLength: 10 }), fc.string({ maxLength: 300 }), (t, ls, bs, seed) => {
        const m = msg(title(t), ...ls.map((l, i) => (i % 3 === 2 ? quote(l) : line(l))), buttons(...(bs as Button[])));
        const made = cardOf(m, taskIdOf(seed));
        const cardable = bs.filter((b) => CARD_COMMAND.test(b.command) && enc.encode(b.command).byteLength <= CARD_LIMITS.keyBytes);
        if (!cardable.length) {
          expect(made).toBeUndefined();
          return;
        }
        checkLimits(made!.card as unknown as Card);
        if (made!.complete) {
          // Nothing was cut: every line is on the card, in the title, the sub-title or as a key/value item.
          const all = JSON.stringify(made!.card);
          for (const l of ls) for (const part of l.split(/[　｜|]+/u).map((p) => p.trim()).filter(Boolean)) expect(all).toContain(JSON.stringify(part.replace(/^[^：:]{1,5}[：:]/u, "").trim()).slice(1, -1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("cuts a long title, drops buttons past six and says it is incomplete", () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ label: `签收${i}号件非常长的按钮`, command: `签收 #${i + 1}` }));
    const made = cardOf(msg(title("办结待审 #12 " + "金牛大道某烧烤店油烟扰民".repeat(4)), buttons(...many)), "t1")!;
    expect(made.complete).toBe(false);
    const c = made.card as unknown as Card;
    expect(c.button_list).toHaveLength(6);
    expect(c.main_title.title).toHaveLength(26);
    expect(c.main_title.title.endsWith("…")).toBe(true);
    expect(c.button_list[0].text).toBe("签收0号件非常长的…");
  });

  it("never makes a key of a command that is not a card verb or that exceeds 1024 bytes", () => {
    const tooLong = `签收 ${Array.from({ length: 120 }, (_, i) => `#${100_000_000 + i}`).join(" ")}`;
    expect(enc.encode(tooLong).byteLength).toBeGreaterThan(1024);
    expect(cardOf(msg(title("x"), buttons({ label: "进展", command: "进展 #1 已整改" }), buttons({ label: "签收", command: tooLong })), "t")).toBeUndefined();
  });

  it("maps a click's key back to the command only for card verbs; the keys of older cards still work", () => {
    expect(cardCommand("签收 #12")).toBe("签收 #12");
    expect(cardCommand("签收 #89 #90 #91")).toBe("签收 #89 #90 #91");
    expect(cardCommand("不同意延期 #7")).toBe("不同意延期 #7");
    expect(cardCommand("ack:12")).toBe("签收 #12");
    expect(cardCommand("approve:3")).toBe("通过 #3");
    for (const forged of ["交办 伪造 给 荷花池街道", "签收 #1；交办 x", "通过 #1 已现场核实", "帮助", "", "签收"]) expect(cardCommand(forged)).toBeUndefined();
  });

  it("a reply with buttons: the first such message becomes the card and loses its quote line; the text stays whole", () => {
    const m: Message = msg(title("新交办 #5 某工地扬尘"), line("牵头：荷花池街道"), buttons({ label: "签收", command: "签收 #5", style: "primary" }));
    const { card, rest } = splitCard(["已交办 #5", m], taskIdOf("r_CAIQ/abc+=="));
    expect(card).toMatchObject({ card_type: "button_interaction", task_id: "duban_r_CAIQ_abc___", horizontal_content_list: [{ keyname: "牵头", value: "荷花池街道" }] });
    expect(rest.map(renderWecom).join("\n")).toBe("已交办 #5\n**新交办 #5 某工地扬尘**\n牵头：荷花池街道");
    expect(renderWecom(m)).toContain("> 可回复：签收 #5"); // where no card can go (the group webhook), the quote stays
    expect(JSON.parse(finishedStreamWithCard("m1", "text", card!))).toMatchObject({ msgtype: "stream_with_template_card", stream: { id: "m1", finish: true, content: "text" }, template_card: { task_id: "duban_r_CAIQ_abc___" } });
  });
});
