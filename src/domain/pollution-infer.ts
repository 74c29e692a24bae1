/**
 * 污染类型 from a complaint's own words (issue 11): a case dispatched in chat names no type, but "油烟", "黑臭" or
 * "夜间施工" say it plainly. The types are the national classification the import and the ledger filter use
 * (schema POLLUTION_TYPES); 固废/垃圾 fall under 其他 as in the hand-over lists. Several may apply.
 */
const RULES: [RegExp, string][] = [
  // 黑臭/发臭 describe water; any other smell is air.
  [/污水|废水|黑臭|排污|直排|偷排|漏排|河道|河水|水体|水面|漂浮物|水质|死鱼|排水口|排口|沟渠|池塘|湖/, "水"],
  [/油烟|废气|扬尘|粉尘|烟尘|尾气|焚烧|烧垃圾|烧秸秆|露天烧|烧烤|(?<!黑)臭(?!水)|异味|气味|喷漆|VOCs?|黑烟|冒烟|锅炉|烟囱|熏/i, "大气"],
  [/噪声|噪音|轰鸣|鸣笛|音响|喇叭|广场舞|夜间施工|深夜施工|凌晨施工|施工.{0,6}(?:夜间|深夜|凌晨|扰民)|震动|吵/, "噪声"],
  [/土壤|填埋|渣土|污染土地|耕地污染|机油|废油|油污/, "土壤"],
  [/毁林|砍伐|林地|湿地|植被|采砂|挖沙|占用耕地|生态破坏/, "生态"],
  [/辐射|电磁|基站/, "辐射"],
  [/海域|海洋|海滩|近岸/, "海洋"],
  [/固废|固体废物|危废|危险废物|垃圾|废渣|建筑垃圾|乱堆|堆放|倾倒/, "其他"],
];

/** The types the text speaks of, in the order of RULES; empty when it names none. */
export function inferPollutionTypes(text: string): string[] {
  return RULES.filter(([re]) => re.test(text)).map(([, t]) => t);
}
