/**
 * Repeat-complaint matching on D1 inside workerd (issue 13): findSimilar's FTS5 candidate queries (OR of trigram
 * phrases, ranked and newest-first, each with a LIMIT) and the case_links exclusion run on D1 as on libSQL.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { findSimilar } from "../../src/db/similar-cases.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const ids: number[] = [];

beforeAll(async () => {
  await sessionFor("disp"); // seeds units
  const now = Date.now();
  for (const [content, address, state] of [
    ["金丰路33号华西建材厂排放刺鼻废气，附近居民闻到化学气味", "金牛区金泉街道金丰路33号", "closed"],
    ["金丰路35号某餐饮店油烟扰民", "金牛区金泉街道金丰路35号", "in_progress"],
  ] as const) {
    const r = await env.DB.prepare(
      `insert into cases (source, title, content, address, lead_unit_id, state, closed_at, created_by, created_at, updated_at, write_token)
       values ('12345', ?, ?, ?, 1, ?, ?, 'test', ?, ?, ?) returning id`,
    ).bind(content.slice(0, 20), content, address, state, state === "closed" ? now : null, now, now, `sim-d1-${content.length}-${address}`).first<{ id: number }>();
    ids.push(r!.id);
  }
});

describe("findSimilar on D1", () => {
  it("finds the earlier case at the same place in other words, not the shop next door", async () => {
    const found = await findSimilar(d1(), { content: "华西建材厂烟囱冒出难闻的气体，头晕恶心", address: "金丰路33号附近" });
    expect(found.map((f) => f.id)).toEqual([ids[0]]);
    expect(found[0].reasons.join("；")).toContain("同一处：华西建材厂");
  });

  it("skips a pair recorded as 不是重复", async () => {
    const newer = await env.DB.prepare(
      `insert into cases (source, title, content, address, lead_unit_id, state, created_by, created_at, updated_at, write_token)
       values ('12345', 't', '华西建材厂又有废气', '金丰路33号', 1, 'pending_ack', 'test', 1, 1, 'sim-d1-new') returning id`,
    ).first<{ id: number }>();
    await env.DB.prepare(`insert into case_links (case_id, other_id, kind, by, at) values (?, ?, 'not_duplicate', 'disp', 1)`).bind(newer!.id, ids[0]).run();
    const found = await findSimilar(d1(), { content: "华西建材厂又有废气", address: "金丰路33号", excludeId: newer!.id });
    expect(found.map((f) => f.id)).not.toContain(ids[0]);
  });
});
