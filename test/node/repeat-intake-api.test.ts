/** POST /api/v1/cases names suspected repeats (issue 13): the earlier case for the same place in other words, none otherwise. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { openApiDocument } from "../../src/api/openapi.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
let token = "";
let earlier = 0;

const post = async (body: unknown) => {
  const r = await w.app.request(`${ORIGIN}/api/v1/cases`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
};

beforeAll(async () => {
  w = await webApp();
  token = (await createApiToken(w.db, { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() })).token;
  earlier = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 金牛大道18号老王烧烤店油烟直排，未安装油烟净化设施 给 荷花池"))![1]);
});
afterAll(() => w.store.cleanup());

describe("POST /api/v1/cases and repeat complaints", () => {
  it("names the earlier case about the same place, written in other words, with its unit and reasons", async () => {
    const r = await post({ content: "群众反映金牛大道十八号院老王烧烤店晚上油烟很大，窗户都不敢开", leadUnit: "荷花池街道", address: "金牛大道18号附近" });
    expect(r.status).toBe(201);
    expect(r.body.similar.map((s: { id: number }) => s.id)).toEqual([earlier]);
    const [s] = r.body.similar;
    expect(s).toMatchObject({ id: earlier, state: "pending_ack", closedAt: null, unit: "荷花池街道" });
    expect(s.score).toBeGreaterThanOrEqual(0.6);
    expect(s.reasons.join("；")).toContain("老王烧烤店");
    // Never itself, though it is now stored and matches perfectly.
    expect(r.body.similar.some((x: { id: number }) => x.id === r.body.id)).toBe(false);
  });

  it("names none for an unrelated complaint, and the answer still carries the field", async () => {
    const r = await post({ content: "驷马桥路2号某农贸市场垃圾堆放无人清运，蚊蝇很多", leadUnit: "驷马桥街道" });
    expect(r.status).toBe(201);
    expect(r.body.similar).toEqual([]);
  });

  it("documents the field in the OpenAPI document", () => {
    const doc = openApiDocument() as any;
    expect(doc.paths["/cases"].post.responses["201"].content["application/json"].schema.$ref).toBe("#/components/schemas/CreatedCase");
    expect(Object.keys(doc.components.schemas.Similar.properties)).toEqual(expect.arrayContaining(["id", "title", "state", "closedAt", "unit", "score", "reasons"]));
  });
});
