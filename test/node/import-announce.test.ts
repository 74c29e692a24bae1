/** Imported cases are announced to their units (issue 11): one message per unit group, in the import's own batch. */
import { describe, expect, it } from "vitest";
import { eq, like } from "drizzle-orm";
import { useDistrict } from "../helpers/district.js";
import { U } from "../helpers/fixture.js";
import { cases, outbox } from "../../src/db/schema.js";
import { importCases } from "../../src/handlers/import-cases.js";
import { runUseCase } from "../../src/handlers/run.js";
import { renderWecom } from "../../src/bot/wecom/render.js";
import type { Content } from "../../src/domain/message.js";

const d = useDistrict();

const HEAD = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "来电/来信", "交办日期/批次", "责任单位", "办理时限"];
const disp = { userId: "disp", name: "张敏", unitId: U.office, roles: ["dispatcher" as const] };
const importList = (rows: (string | number)[][], sha: string) =>
  runUseCase({ deps: d.deps, actor: disp, source: "web", action: "web.import" }, (ctx) => importCases({ ctx, input: { sheets: [{ name: "清单", rows: [HEAD, ...rows] }], source: "中央督察", fileName: "清单.xlsx", sha256: sha } }));

describe("import announcements (issue 11)", () => {
  it("tells each unit group of its new cases with deadlines and a 签收 button, once", async () => {
    const done = await importList(
      [
        [1, "D3SX202612010001", "群众来电反映某餐馆油烟扰民", "金牛区", "大气", "来电", "第一批（2026年12月1日）", "荷花池街道", "2026-12-20"],
        [2, "D3SX202612010002", "某工地夜间施工噪声扰民", "金牛区", "噪声", "来电", "第一批（2026年12月1日）", "荷花池街道", "2026-12-25"],
        [3, "D3SX202612010003", "某河段漂浮物", "金牛区", "水", "来电", "第一批（2026年12月1日）", "驷马桥街道", "2026-12-22"],
      ],
      "sha-1",
    );
    expect(done.reply).toContain("已通知各承办单位群");
    const rows = await d.db.select().from(outbox).where(like(outbox.idempotencyKey, "import:%"));
    expect(rows.map((r) => r.target).sort()).toEqual(["wecom:g-hh", "wecom:g-sm"]);
    const ids = (await d.db.select().from(cases).where(eq(cases.leadUnitId, U.hehuachi))).map((c) => c.id).sort((a, b) => a - b);
    const hh = renderWecom((rows.find((r) => r.target === "wecom:g-hh")!.payload as { message: Content }).message);
    expect(hh).toContain("新交办（中央督察清单导入）2 件");
    for (const id of ids) expect(hh).toContain(`#${id} `);
    expect(hh).toContain("办结时限 12月20日");
    expect(hh).toContain(`签收 ${ids.map((i) => `#${i}`).join(" ")}`);
    expect(hh).not.toContain("驷马桥"); // each unit sees only its own cases

    // The same list again imports nothing and announces nothing.
    await importList([[1, "D3SX202612010001", "群众来电反映某餐馆油烟扰民", "金牛区", "大气", "来电", "第一批（2026年12月1日）", "荷花池街道", "2026-12-20"]], "sha-2");
    expect(await d.db.select().from(outbox).where(like(outbox.idempotencyKey, "import:%"))).toHaveLength(2);
  });
});
