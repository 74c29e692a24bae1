/**
 * The hand-over list template (issue 11): the columns the import reads, in the inspection team's order, with one
 * example row, so an office can fill it in instead of guessing the headers.
 */
import writeXlsxFile, { type Row } from "write-excel-file/universal";
import { COLUMNS, type ColumnKey } from "../../sheets/headers.js";

const ORDER: ColumnKey[] = ["seq", "externalNo", "content", "area", "types", "channel", "focus", "batch", "unit", "due", "address", "coUnits", "complainant", "contact"];
const EXAMPLE: Partial<Record<ColumnKey, string | number>> = {
  seq: 1,
  externalNo: "D3SX202612010001",
  content: "群众来电反映金牛大道某烧烤店油烟扰民，夜间尤为严重",
  area: "金牛区",
  types: "大气",
  channel: "来电",
  focus: "否",
  batch: "第一批（2026年12月1日）",
  unit: "荷花池街道",
  due: "2026-12-20",
  address: "金牛大道18号",
  coUnits: "区城管局",
  complainant: "（可空，仅存于案件，不在群内显示）",
  contact: "",
};
const WIDTHS = [6, 20, 50, 10, 10, 10, 10, 22, 14, 12, 24, 16, 16, 14];

/** The .xlsx bytes of the template: a header row (required columns marked *) and one example row. */
export async function templateXlsx(): Promise<Uint8Array> {
  const header: Row = ORDER.map((k) => ({ value: `${COLUMNS[k].label}${COLUMNS[k].required ? "*" : ""}`, type: String, fontWeight: "bold" as const }));
  const example: Row = ORDER.map((k) => {
    const v = EXAMPLE[k] ?? "";
    return typeof v === "number" ? { value: v, type: Number } : { value: v, type: String };
  });
  const blob = await writeXlsxFile([header, example], { sheet: "交办清单", columns: WIDTHS.map((width) => ({ width })), stickyRowsCount: 1 }).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
