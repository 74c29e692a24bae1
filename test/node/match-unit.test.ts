/** Unit and person matching: exact name, alias, unambiguous prefix, core/fuzzy; ambiguity lists candidates. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchPerson, matchUnit, unitKey, type UnitLike } from "../../src/domain/match-unit.js";

const UNITS: UnitLike[] = [
  { id: 1, name: "荷花池街道", aliases: ["荷花池"] },
  { id: 2, name: "驷马桥街道", aliases: [] },
  { id: 3, name: "区城管局", aliases: ["城管执法局"] },
  { id: 4, name: "市场监管局", aliases: ["区市场监管局", "市监局"] },
  { id: 5, name: "区住房和城乡建设局", aliases: ["住建局"] },
  { id: 6, name: "金牛街道", aliases: [] },
  { id: 7, name: "金牛区生态环境局", aliases: ["环境局"] },
  { id: 8, name: "抚琴街道办事处", aliases: [] },
];

const one = (q: string) => {
  const r = matchUnit(q, UNITS);
  return r.kind === "one" ? r.unit.id : r.kind;
};

describe("matchUnit examples", () => {
  it.each([
    ["荷花池街道", 1],
    ["荷花池", 1],
    ["荷花", 1],
    ["ＡＢ荷花池街道", "none"],
    ["驷马桥", 2],
    ["驷马桥街道办", 2],
    ["城管", 3],
    ["城管局", 3],
    ["区城管局", 3],
    ["城管执法局", 3],
    ["市监局", 4],
    ["市场监管", 4],
    ["区市场监管局", 4],
    ["住建局", 5],
    ["住房和城乡建设局", 5],
    ["生态环境局", 7],
    ["抚琴街道", 8],
    ["抚琴", 8],
    ["荷花街道", 1], // in-order characters, one typo-ish omission
    ["金牛", "ambiguous"],
    ["街道", "ambiguous"],
    ["税务局", "none"],
    ["", "none"],
    ["　", "none"],
  ] as [string, number | string][])("%j → %s", (q, expected) => {
    expect(one(q)).toBe(expected);
  });

  it("an ambiguous query returns every candidate", () => {
    const r = matchUnit("金牛", UNITS);
    expect(r.kind).toBe("ambiguous");
    if (r.kind === "ambiguous") expect(r.candidates.map((u) => u.id).sort()).toEqual([6, 7]);
  });

  it("no match suggests units sharing characters", () => {
    const r = matchUnit("荷塘池街", UNITS);
    expect(r.kind).toBe("none");
    if (r.kind === "none") expect(r.suggestions.map((u) => u.id)).toContain(1);
  });

  it("full-width and spaces in the query are normalised", () => {
    expect(one("荷花池　街道")).toBe(1);
    const units = [{ id: 9, name: "ABC中心", aliases: [] }];
    expect(matchUnit("ａｂｃ中心", units)).toMatchObject({ kind: "one", unit: { id: 9 } });
  });
});

/** Unit sets over a tiny alphabet so that shared prefixes (ambiguity) are common. */
const unitSet = fc
  .uniqueArray(
    fc.tuple(fc.array(fc.constantFrom("东", "西", "南", "北", "桥", "河"), { minLength: 2, maxLength: 4 }), fc.constantFrom("街道", "局", "中心")),
    { minLength: 1, maxLength: 8, selector: ([cs, s]) => cs.join("") + s },
  )
  .map((xs) => xs.map(([cs, s], i): UnitLike => ({ id: i + 1, name: cs.join("") + s, aliases: [] })));

describe("matchUnit properties", () => {
  it("an exact name always matches itself", () => {
    fc.assert(
      fc.property(unitSet, (units) => {
        for (const u of units) expect(matchUnit(u.name, units)).toStrictEqual({ kind: "one", unit: u });
      }),
    );
  });

  it("an exact alias matches its unit when no unit has that name", () => {
    fc.assert(
      fc.property(unitSet, fc.nat(), (units, k) => {
        const target = units[k % units.length];
        const withAlias = units.map((u) => (u === target ? { ...u, aliases: ["甲乙丙"] } : u));
        expect(matchUnit("甲乙丙", withAlias)).toMatchObject({ kind: "one", unit: { id: target.id } });
      }),
    );
  });

  it("a prefix shared by no other unit matches; a shared prefix lists exactly the sharing units", () => {
    fc.assert(
      fc.property(unitSet, fc.nat(), fc.nat(), (units, k, cut) => {
        const target = units[k % units.length];
        const chars = Array.from(target.name);
        const prefix = chars.slice(0, 1 + (cut % chars.length)).join("");
        const sharing = units.filter((u) => u.name.startsWith(prefix));
        const exact = units.filter((u) => u.name === prefix);
        const r = matchUnit(prefix, units);
        if (exact.length === 1) expect(r).toStrictEqual({ kind: "one", unit: exact[0] });
        else if (sharing.length === 1) expect(r).toStrictEqual({ kind: "one", unit: target });
        else {
          expect(r.kind).toBe("ambiguous");
          if (r.kind === "ambiguous") expect(r.candidates.map((u) => u.id).sort()).toEqual(sharing.map((u) => u.id).sort());
        }
      }),
    );
  });

  it("a result is always one of the given units", () => {
    fc.assert(
      fc.property(unitSet, fc.string({ unit: "grapheme", maxLength: 6 }), (units, q) => {
        const r = matchUnit(q, units);
        const found = r.kind === "one" ? [r.unit] : r.kind === "ambiguous" ? r.candidates : r.suggestions;
        for (const u of found) expect(units).toContain(u);
        if (r.kind === "ambiguous") expect(r.candidates.length).toBeGreaterThan(1);
      }),
    );
  });

  it("unitKey folds full width and spaces", () => {
    expect(unitKey(" 区 城管局 ")).toBe("区城管局");
    expect(unitKey("ＡＢＣ")).toBe("abc");
  });
});

const PEOPLE = [
  { userId: "zhaoliu", name: "赵六" },
  { userId: "zhaoliu2", name: "赵六六" },
  { userId: "LiSi", name: "李四" },
  { userId: "wangwu", name: "王五" },
];

describe("matchPerson", () => {
  it.each([
    ["zhaoliu", "zhaoliu"],
    ["赵六", "zhaoliu"],
    ["lisi", "LiSi"],
    ["@李四", "LiSi"],
    ["王", "wangwu"],
    ["wang", "wangwu"],
    ["赵", "ambiguous"],
    ["zhao", "ambiguous"],
    ["钱七", "none"],
  ])("%j → %s", (q, expected) => {
    const r = matchPerson(q, PEOPLE);
    expect(r.kind === "one" ? r.person.userId : r.kind).toBe(expected);
  });

  it("every person matches by userid and by a unique name", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ userId: fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/), name: fc.constantFrom("张三", "李四", "王五", "赵六", "钱七") }), {
          minLength: 1,
          maxLength: 5,
          selector: (p) => p.userId,
        }),
        (people) => {
          for (const p of people) {
            expect(matchPerson(p.userId, people)).toStrictEqual({ kind: "one", person: p });
            const sameName = people.filter((x) => x.name === p.name);
            const byName = matchPerson(p.name, people);
            const idClash = people.some((x) => x.userId === p.name);
            if (!idClash && sameName.length === 1) expect(byName).toStrictEqual({ kind: "one", person: p });
            if (!idClash && sameName.length > 1) expect(byName.kind).toBe("ambiguous");
          }
        },
      ),
    );
  });
});
