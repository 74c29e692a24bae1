import { describe, expect, it } from "vitest";
import { inferPollutionTypes } from "../../src/domain/pollution-infer.js";
import { POLLUTION_TYPES } from "../../src/db/schema.js";

const cases: [string, string[]][] = [
  ["金牛大道某烧烤店油烟扰民", ["大气"]],
  ["某工地夜间施工噪声扰民", ["噪声"]],
  ["某工地扬尘严重，夜间施工", ["大气", "噪声"]],
  ["沙河某段黑臭，有污水直排", ["水"]],
  ["小区垃圾站异味明显", ["大气", "其他"]],
  ["某厂区冒黑烟", ["大气"]],
  ["河道漂浮物多", ["水"]],
  ["楼下广场舞音响太吵", ["噪声"]],
  ["非法倾倒建筑垃圾", ["其他"]],
  ["某村非法采砂破坏植被", ["生态"]],
  ["汽修店往绿化带倒废机油", ["土壤"]],
  ["空地又在烧垃圾", ["大气", "其他"]],
  ["群众反映某单位工作作风问题", []],
];

describe("污染类型 inferred from the complaint (issue 11)", () => {
  it.each(cases)("%s → %j", (text, want) => expect(inferPollutionTypes(text)).toEqual(want));
  it("only yields the national types the ledger filters on", () => {
    for (const [text] of cases) for (const t of inferPollutionTypes(text)) expect(POLLUTION_TYPES).toContain(t);
  });
});
