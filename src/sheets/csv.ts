/** CSV for hand-over lists: decode (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it) and parse (RFC 4180). */

export class TableReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TableReadError";
  }
}

/** Text of a CSV file: UTF-8 first (BOM optional), then GB18030, the default of Excel on Chinese Windows. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    try {
      return new TextDecoder("gb18030").decode(bytes);
    } catch {
      throw new TableReadError("文件不是 UTF-8 编码，无法识别。请在 Excel 中「另存为 → CSV UTF-8（逗号分隔）」后重新上传，或直接上传 .xlsx 文件。");
    }
  }
}

/** Rows of cells; the delimiter is a comma, or a tab when the first line has more tabs than commas. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delim = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? "\t" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === delim) {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new TableReadError("CSV 文件格式有误：有未闭合的引号，请检查后重新上传。");
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
