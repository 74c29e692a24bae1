/**
 * Repeat-complaint signals on D1 inside workerd (issue 13): the case_links triggers keep cases.merged_count, and
 * the digest's 反复投诉 window (INDEXED BY case_links_kind_at_idx), the 台账 filter over cases_repeat_idx, the
 * export's links and the case page's place history run on D1 as on libSQL.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { linksOfCases } from "../../src/db/case-links.js";
import { listCases } from "../../src/db/ledger.js";
import { loadPlaceHistory } from "../../src/db/place-history.js";
import { cases } from "../../src/db/schema.js";
import { loadRepeatPlaces } from "../../src/schedules/repeat-lines.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const ids: number[] = [];
const mergedCount = async (id: number) => (await env.DB.prepare("select merged_count as n from cases where id = ?").bind(id).first<{ n: number }>())!.n;

beforeAll(async () => {
  await sessionFor("disp"); // seeds units
  for (const [i, [content, address, state]] of ([
    ["金丰路33号华西建材厂排放刺鼻废气", "金丰路33号", "closed"],
    ["华西建材厂又排废气，气味刺鼻", "金丰路33号", "cancelled"],
    ["金丰路33号华西建材厂晚上废气更大", "金丰路33号", "cancelled"],
  ] as const).entries()) {
    const r = await env.DB.prepare(
      `insert into cases (source, title, content, address, lead_unit_id, state, rebound_count, created_by, created_at, updated_at, write_token)
       values ('12345', ?, ?, ?, 1, ?, ?, 'test', 1000, 1000, ?) returning id`,
    ).bind(content.slice(0, 12), content, address, state, i === 0 ? 1 : 0, `rs-d1-${i}`).first<{ id: number }>();
    ids.push(r!.id);
  }
  for (const [from, at] of [[ids[1], 5000], [ids[2], 6000]]) {
    await env.DB.prepare(`insert into case_links (case_id, other_id, kind, by, at) values (?, ?, 'merged', 'disp', ?)`).bind(from, ids[0], at).run();
  }
});

describe("repeat signals on D1", () => {
  it("keeps merged_count by trigger: +1 per live merge, −1 when one is undone", async () => {
    expect(await mergedCount(ids[0])).toBe(2);
    await env.DB.prepare(`update case_links set undone_at = 7000, undone_by = 'lead' where case_id = ?`).bind(ids[2]).run();
    expect(await mergedCount(ids[0])).toBe(1);
  });

  it("runs the digest window, the ledger filter, the export links and the place history", async () => {
    const digest = await loadRepeatPlaces(d1(), 0, 10_000, 10);
    expect(digest).toMatchObject({ count: 1, rows: [{ caseId: ids[0], complaints: 2, merged: [ids[1]], place: "金丰路33号 华西建材厂" }] });
    const page = await listCases(d1(), { repeat: true }, { all: true }, 10_000, { pageSize: 20 });
    expect(page.rows.map((r) => r.id)).toEqual([ids[0]]);
    const links = await linksOfCases(d1(), ids);
    expect(links.get(ids[0])).toEqual({ merged: [ids[1]] });
    expect(links.get(ids[1])).toEqual({ mergedInto: ids[0], merged: [] });
    expect(links.has(ids[2])).toBe(false);
    const [c] = await d1().select().from(cases).where(eq(cases.id, ids[0]));
    // The merged complaints and the case's own row are read whatever the similar-case lookup does (it may fail
    // and is then reported on the page, never blocking it).
    const h = await loadPlaceHistory(d1(), c);
    expect(h.merged.map((m) => m.id)).toEqual([ids[1]]);
    expect(h.cases.find((x) => x.relation === "self")).toMatchObject({ id: ids[0], mergedCount: 1, reboundCount: 1 });
  });
});
