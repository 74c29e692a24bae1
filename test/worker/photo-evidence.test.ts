/** Issue 10 inside workerd (D1, R2): photos drawn here, hashed by the DC-only decoder, checked at receipt. */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { base64, decode, encode, plantExif, resize, scene } from "../helpers/photos.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const CLOSE = "核查：属实，经现场核实\n整改：已清理完毕\n分类：限期整改\n责任：约谈负责人，责令整改\n回访：满意";

async function say(userId: string, chatId: string, text: string, images?: Uint8Array[]): Promise<string> {
  const res = await SELF.fetch("http://localhost/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, userId, text: /^(dm-|single:)/.test(chatId) ? text : `@督办助手 ${text}`, images: images?.map(base64) }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: string[] }).replies.join("\n");
}
async function dispatchAndClose(title: string, unit: "hh" | "sm", images: Uint8Array[]): Promise<{ id: number; reply: string }> {
  const created = await say("disp", "g-command", `交办 ${title} 给 ${unit === "hh" ? "荷花池街道" : "驷马桥街道"} 限 5个工作日`);
  const id = Number(/#(\d+)/.exec(created)![1]);
  await say(`${unit}.officer`, `g-${unit}`, `签收 #${id}`);
  return { id, reply: await say(`${unit}.officer`, `g-${unit}`, `办结 #${id}\n${CLOSE}`, images) };
}

describe("photo evidence checks in workerd", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  });

  it("hashes at receipt, flags reuse (identical and resized) and a photo taken before dispatch; distinct photos stay silent", async () => {
    const a = encode(scene(31, 800, 600), 88);
    const first = await dispatchAndClose("荷花池某工地扬尘", "hh", [a]);
    expect(first.reply).toContain("已提交");
    expect(first.reply).not.toContain("照片核查");
    const row = (await env.DB.prepare("select photo_check as c, phash from attachments where case_id = ?").bind(first.id).first()) as { c: string; phash: string };
    expect(row.c).toBe("ok");
    expect(row.phash).toMatch(/^[0-9a-f]{16}$/);

    const same = await dispatchAndClose("驷马桥某餐馆油烟", "sm", [a]);
    expect(same.reply).toContain(`与 #${first.id} 的整改后照片相同`);
    const resized = await dispatchAndClose("驷马桥某河道垃圾", "sm", [encode(resize(decode(a), 512), 70)]);
    expect(resized.reply).toMatch(new RegExp(`与 #(${first.id}|${same.id}) 的整改后照片(几乎相同|非常相似)`));
    const old = await dispatchAndClose("荷花池某小区噪声", "hh", [plantExif(encode(scene(32, 640, 480), 85), { time: "2026:11:02 09:41:07", offset: "+08:00" })]);
    expect(old.reply).toMatch(/拍摄时间 11月2日 早于交办时间 \d+月\d+日/);
    const distinct = await dispatchAndClose("荷花池某菜市场污水", "hh", [encode(scene(33, 640, 480), 85)]);
    expect(distinct.reply).not.toContain("照片核查");
    expect(await say("lead", "g-command", `查 #${same.id}`)).toContain(`与 #${first.id} 的整改后照片相同`);
  });
});
