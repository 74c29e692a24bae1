/**
 * DingTalk Stream mode against the fake gateway on loopback (dingtalk.md §2): connections/open with the app's
 * credentials and the robot topic, a one-use ticket, a CALLBACK frame that creates a case and is ACKed with its
 * messageId, ping echoed, and a reconnect with a fresh ticket after the server drops the socket.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_TOPIC, startDingtalkStream } from "../../src/bot/dingtalk/stream.js";
import { cid, dingtalkApp, staff, until } from "../helpers/dingtalk-app.js";
import { APP_KEY, APP_SECRET, textMessage, type Sent } from "../helpers/fake-dingtalk.js";

let t: Awaited<ReturnType<typeof dingtalkApp>>;
let stream: { stop(): Promise<void> };
beforeAll(async () => {
  t = await dingtalkApp({ DINGTALK_MODE: "stream" });
  stream = startDingtalkStream(t.deps, { backoff: { baseMs: 20, capMs: 100 }, heartbeatMs: 100 });
  await until(() => t.fake.sockets.length === 1, "the Stream connection");
});
afterAll(async () => {
  await stream?.stop();
  await t?.close();
});

const ackFor = (messageId: string) => t.fake.acks.find((a) => a.headers?.messageId === messageId);

describe("Stream mode", () => {
  it("opens the connection with the app's credentials and subscribes to the robot topic only", () => {
    expect(t.fake.opens[0]).toMatchObject({ clientId: APP_KEY, clientSecret: APP_SECRET, subscriptions: [{ type: "CALLBACK", topic: BOT_TOPIC }] });
  });

  it("a CALLBACK frame from a dispatcher creates a case, is ACKed with its messageId, and the reply goes to the sessionWebhook", async () => {
    const m = textMessage(t.fake.url, staff("disp"), cid("g-command"), "交办 长连接测试油烟扰民 给 荷花池街道 限 12月25日", t.clock());
    const frame = t.fake.pushMessage(m);
    const ack = await until(() => ackFor(frame), "the ACK");
    expect(ack).toMatchObject({ code: 200, message: "OK", headers: { messageId: frame, contentType: "application/json" } });
    expect(JSON.parse(ack.data)).toEqual({ response: null });
    expect(await t.db.all(sql`select id from cases where title like '%长连接测试%'`)).toHaveLength(1);
    const session = new URL(m.sessionWebhook!).searchParams.get("session");
    const reply = await until(() => t.fake.sent.find((s): s is Extract<Sent, { kind: "session" }> => s.kind === "session" && s.session === session), "the reply");
    expect(reply.body.markdown.text).toContain("已交办");
  });

  it("the same message pushed again (redelivery) is ACKed and processed once", async () => {
    const m = textMessage(t.fake.url, staff("disp"), cid("g-command"), "交办 重复推送测试 给 荷花池街道 限 12月25日", t.clock());
    const a = t.fake.pushMessage(m);
    await until(() => ackFor(a), "the first ACK");
    const b = t.fake.pushMessage(m);
    await until(() => ackFor(b), "the second ACK");
    expect(await t.db.all(sql`select id from cases where title like '%重复推送测试%'`)).toHaveLength(1);
  });

  it("echoes a SYSTEM ping with its data", async () => {
    t.fake.push({ type: "SYSTEM", headers: { topic: "ping", messageId: "ping-1", contentType: "application/json" }, data: JSON.stringify({ opaque: "x1" }) });
    const pong = await until(() => ackFor("ping-1"), "the pong");
    expect(pong).toMatchObject({ code: 200, data: JSON.stringify({ opaque: "x1" }) });
  });

  it("reconnects with a new ticket after the server drops the socket, and keeps working", async () => {
    const opens = t.fake.opens.length;
    t.fake.sockets[0].terminate();
    await until(() => t.fake.sockets.length === 2 && t.fake.sockets[1].readyState === 1, "the reconnection");
    expect(t.fake.opens.length).toBe(opens + 1);
    const m = textMessage(t.fake.url, staff("hh.officer"), cid("g-hh"), "帮助", t.clock());
    const frame = t.fake.pushMessage(m);
    await until(() => ackFor(frame), "the ACK on the new connection");
  });

  it("drops a socket that stops answering pings (a dead NAT path) and reconnects", async () => {
    const before = t.fake.sockets.length;
    t.fake.sockets.at(-1)!.pause(); // the server stops reading: no pong comes back
    await until(() => t.fake.sockets.length === before + 1 && t.fake.sockets.at(-1)!.readyState === 1, "the reconnection after missed pongs");
    const frame = t.fake.pushMessage(textMessage(t.fake.url, staff("hh.officer"), cid("g-hh"), "帮助", t.clock()));
    await until(() => ackFor(frame), "the ACK after the heartbeat reconnect");
  });
});
