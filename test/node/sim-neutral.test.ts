/** The simulator renders neutral content itself: WeCom-like markdown, mentions apart, buttons as buttons (issue 15). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDb } from "../helpers/db.js";
import { settleBackground } from "../helpers/background.js";
import { seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { createApp } from "../../src/app.js";
import { SimHub, type SimEvent } from "../../src/bot/sim/hub.js";
import { simDeliver } from "../../src/bot/sim/deliver.js";
import { commit, insertOutbox } from "../../src/db/write.js";
import { channels } from "../../src/delivery/channels.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { targetOf } from "../../src/domain/targets.js";
import type { Deps } from "../../src/deps.js";

describe("the simulator and neutral content", () => {
  let t: Awaited<ReturnType<typeof tempDb>>;
  let deps: Deps;
  let app: ReturnType<typeof createApp>;
  const seen: SimEvent[] = [];
  beforeAll(async () => {
    t = await tempDb();
    await seedFixture(t.db);
    const clock = testClock();
    deps = await testDeps(t.db, t.dir, clock);
    deps.sim = new SimHub();
    deps.sim.subscribe((e) => seen.push(e));
    deps.deliver = channels({ wecom: simDeliver(deps.sim, clock) });
    expect(deps.config.simulator).toBe(true);
    app = createApp(deps);
  });
  afterAll(() => t.cleanup());

  const post = async (chatId: string, userId: string, text: string) =>
    (await (await app.request("/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, userId, text: /^(dm-|single:)/.test(chatId) ? text : `@督办助手 ${text}` }) })).json()) as {
      replies: string[];
      views: { markdown: string; mentions: string[]; buttons: { label: string; command: string }[] }[];
    };

  it("answers with WeCom markdown and a view; the push reaches the unit group with a 签收 button, live and in its history", async () => {
    const r = await post("g-command", "disp", "交办 金牛大道某烧烤店油烟扰民 给 荷花池 限 5个工作日");
    expect(r.replies?.[0], JSON.stringify(r)).toContain("已交办 **#");
    expect(r.views[0].markdown).toBe(r.replies[0]); // no buttons in this reply, so the same text
    const id = Number(/#(\d+)/.exec(r.replies[0])?.[1]);
    await settleBackground(); // the route's own relay pass runs after the answer
    await drainOutbox(deps);
    const push = seen.find((e) => e.kind === "push" && e.chatId === "g-hh");
    expect(push, JSON.stringify(seen.map((e) => [e.kind, e.chatId]))).toBeDefined();
    expect(push?.markdown).toContain(`新交办 #${id}`);
    expect(push?.markdown).not.toContain("可回复"); // buttons are drawn, not written
    expect(push?.buttons).toEqual([{ label: "签收", command: `签收 #${id}`, style: "primary" }]);
    expect(push?.mentions?.length).toBeGreaterThan(0);
    const history = (await (await app.request("/sim/groups/g-hh/messages")).json()) as { messages: { markdown: string; buttons: unknown[] }[] };
    expect(history.messages.map((m) => m.buttons)).toContainEqual([{ label: "签收", command: `签收 #${id}`, style: "primary" }]);
    // The button's command, sent as the unit's officer, does what typing it does.
    const signed = await post("g-hh", "hh.officer", push!.buttons![0].command);
    expect(signed.replies[0]).toContain("已签收");
    await settleBackground(); // its push to the command group goes out after the answer
  });

  it("shows a push to a person in that person's single chat", async () => {
    await commit(t.db, [insertOutbox(t.db, { key: "sim-user-1", channel: "user", target: targetOf({ chatId: "hh.head" }), payload: { message: "请于今日签收" }, at: deps.clock() })]);
    await settleBackground();
    await drainOutbox(deps);
    expect(seen.filter((e) => e.chatId === "single:hh.head").map((e) => e.markdown)).toEqual(["请于今日签收"]);
    const history = (await (await app.request("/sim/groups/single:hh.head/messages")).json()) as { messages: { markdown: string }[] };
    expect(history.messages.map((m) => m.markdown)).toEqual(["请于今日签收"]);
  });
  it("hands a group message to the bot only when it @s the bot, as WeCom does; the page links to 督办台 (issue 11)", async () => {
    const before = seen.length;
    const res = (await (await app.request("/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId: "g-command", userId: "disp", text: "交办 没有@机器人的一句话 给 荷花池" }) })).json()) as { delivered?: boolean; replies: string[]; note?: string };
    expect(res).toMatchObject({ delivered: false, replies: [] });
    expect(res.note).toContain("没有 @督办助手");
    expect(seen.slice(before).map((e) => e.kind)).toEqual(["chat"]); // shown to others as ordinary chat
    const page = await (await app.request("/sim")).text();
    expect(page).toContain('href="/dashboard"');
    expect(page).toContain('id="atbot"');
  });
});
