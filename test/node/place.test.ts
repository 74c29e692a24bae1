/** Address folding and site extraction for repeat complaints (issue 13): pure, no dictionary. */
import { describe, expect, it } from "vitest";
import { comparePlaces, foldPlace, parsePlace, placeQueries, sameSite, sitesOf } from "../../src/domain/place.js";
import { textSimilarity } from "../../src/domain/similarity.js";
import { prepare, scorePair, THRESHOLD } from "../../src/domain/repeat-match.js";

describe("place parsing", () => {
  it("folds width, house numbers in words and aliases", () => {
    expect(foldPlace("金牛大道１８号")).toBe("金牛大道18号");
    expect(foldPlace("金牛大道十八号院")).toBe("金牛大道18号");
    expect(foldPlace("金牛大道二百零五号附近")).toBe("金牛大道205号");
    expect(foldPlace("荷花池街道办 某饭馆")).toBe("荷花池街道某餐饮店");
  });

  it("splits an address into district, street, road, number and compound; a street may contain 路", () => {
    expect(parsePlace("四川省成都市金牛区西安路街道花牌坊街18号")).toMatchObject({ district: "金牛区", street: "西安路街道", road: "花牌坊街", number: "18" });
    expect(parsePlace("驷马桥街道蓝光小区3栋")).toMatchObject({ street: "驷马桥街道", compound: "蓝光小区" });
    expect(parsePlace("", "群众反映金牛大道十八号院老王烧烤店每晚油烟很大")).toMatchObject({ road: "金牛大道", number: "18", sites: ["老王烧烤店"] });
    expect(parsePlace("", "营门口路45号某店油烟").road).toBe("营门口路"); // 门口 inside a road name is not a cut
  });

  it("finds the named site, cut at its left edge, without 某/那家", () => {
    expect(sitesOf(foldPlace("反映金牛大道18号某烧烤店油烟"))).toEqual(["烧烤店"]);
    expect(sitesOf(foldPlace("大安西路那家烧烤摊"))).toEqual(["烧烤店"]);
    expect(sitesOf(foldPlace("府河洞子口河段漂浮垃圾"))).toEqual(["府河洞子口河段"]);
    expect(sitesOf(foldPlace("茶店子路13号蓝光雍锦工地"))).toEqual(["蓝光雍锦工地"]); // 茶店子 is no 店
  });

  it("reads 有家/有个 as measure words, but keeps 家具 and 个体", () => {
    expect(sitesOf(foldPlace("人民北路二段有个家具作坊打磨粉尘很大"))).toEqual(["家具作坊"]);
    expect(sitesOf(foldPlace("附近某家具厂噪声"))).toEqual(["家具厂"]);
    expect(sitesOf(foldPlace("有家烧烤店油烟很大"))).toEqual(["烧烤店"]);
    expect(sitesOf(foldPlace("西安中路那块原化工厂的地"))).toEqual(["原化工厂"]);
  });

  it("a complaint that says the problem is back reaches the threshold with a kind of business on the same road", () => {
    const earlier = prepare({ title: "茶店子东街某印刷厂异味扰民", content: "群众来信反映：金牛区茶店子街道茶店子东街某印刷厂生产时散发强烈的溶剂异味", address: "金牛区茶店子街道茶店子东街某印刷厂" });
    const again = scorePair(prepare({ content: "茶店子东街那家印刷厂又在排刺鼻的气味，晚上开窗都不行" }), earlier);
    expect(again.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(again.reasons).toContain("投诉称问题再次出现");
    const notAgain = scorePair(prepare({ content: "茶店子东街那家印刷厂在排刺鼻的气味，晚上开窗都不行" }), earlier);
    expect(notAgain.score).toBeLessThan(THRESHOLD); // the same words without 又: not enough on their own
    const elsewhere = scorePair(prepare({ content: "营门口路那家印刷厂又在排刺鼻的气味" }), earlier);
    expect(elsewhere.score).toBe(0); // another road: 又 adds nothing to a conflict
  });

  it("a described compound (老旧小区, 那个老小区) is a 小区, not a differently named one", () => {
    const before = parsePlace("金牛区九里堤街道西北桥北街某老旧小区", "西北桥北街某老旧小区化粪池长期堵塞");
    expect(comparePlaces(parsePlace(null, "西北桥北街那个老小区化粪池又冒污水了"), before)).toMatchObject({ level: "site", conflict: false });
    expect(comparePlaces(parsePlace(null, "西北桥北街阳光小区化粪池冒污水"), parsePlace(null, "西北桥北街锦绣小区化粪池冒污水")).conflict).toBe(true); // two names
  });

  it("a shorter name inside a longer one of the same kind is the same site (五金店 / 五金加工店), two names are not", () => {
    expect(sameSite("五金店", "五金加工店")).toBe(true);
    expect(sameSite("火锅店", "五金加工店")).toBe(false);
    expect(sameSite("老王烧烤店", "李记烧烤店")).toBe(false);
    const earlier = prepare({ content: "群众来电反映：金牛区五块石街道五块石路某五金加工店切割噪声扰民", address: "金牛区五块石街道五块石路某五金加工店" });
    expect(scorePair(prepare({ content: "五块石路有家五金店切割声音很吵" }), earlier).score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(scorePair(prepare({ content: "五块石路有家烧烤店油烟大" }), earlier).score).toBe(0);
  });

  it("tells the same place from a conflicting one", () => {
    const p = (a: string, t = "") => parsePlace(a, t);
    expect(comparePlaces(p("金牛大道18号", "老王烧烤店"), p("金牛大道十八号院", "老王烧烤店"))).toMatchObject({ level: "site", conflict: false });
    expect(comparePlaces(p("金牛大道18号"), p("金牛大道26号")).conflict).toBe(true);
    expect(comparePlaces(p("", "大安西路某烧烤店"), p("", "大安西路某火锅店")).conflict).toBe(true);
    expect(comparePlaces(p("", "荷花池大安西路烧烤店"), p("金牛区荷花池街道大安西路某烧烤店"))).toMatchObject({ level: "site", conflict: false });
    expect(comparePlaces(p("蜀汉路77号"), p("金牛大道77号")).conflict).toBe(true);
  });

  it("looks a kind of business up only together with its road", () => {
    expect(placeQueries(parsePlace("", "荷花池大安西路上的烧烤店"))).toEqual({ named: '("烧烤店" AND "大安西路")', road: '"大安西路"' });
    expect(placeQueries(parsePlace("", "又臭了"))).toEqual({ named: undefined, road: undefined });
  });

  it("compares words by bigrams without the framing every complaint shares", () => {
    expect(textSimilarity("群众反映油烟扰民严重", "市民投诉噪声扰民严重")).toBeLessThan(0.2);
    expect(textSimilarity("油烟直排未安装净化设施", "油烟直排，未安装油烟净化设施")).toBeGreaterThan(0.7);
  });
});
