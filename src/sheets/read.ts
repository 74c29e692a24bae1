/**
 * Read an uploaded table (.xlsx or .csv) into rows of cells. Uses read-excel-file's `/universal` entry, so the
 * same code runs in Node and workerd (toolchain.md §5). Never npm `xlsx`.
 */
import readXlsxFile from "read-excel-file/universal";
import { decodeText, parseCsv, TableReadError } from "./csv.js";

export { TableReadError };

export type Cell = string | number | boolean | Date | null;
export type Sheet = { name: string; rows: Cell[][] };

export const MAX_TABLE_BYTES = 10 * 1024 * 1024;
/** Refuse archives that would inflate beyond this (a zip bomb disguised as .xlsx). */
const MAX_UNZIPPED_BYTES = 120 * 1024 * 1024;

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/** Sum of the uncompressed sizes in the zip's central directory (ZIP64 entries count as too large). */
export function unzippedSize(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new TableReadError("Excel 文件已损坏（找不到 zip 目录），请重新保存后上传。");
  const entries = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  let total = 0;
  for (let k = 0; k < entries; k++) {
    if (p + 46 > b.length || v.getUint32(p, true) !== 0x02014b50) throw new TableReadError("Excel 文件已损坏（zip 目录不完整），请重新保存后上传。");
    const size = v.getUint32(p + 24, true);
    total += size === 0xffffffff ? Infinity : size;
    p += 46 + v.getUint16(p + 28, true) + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return total;
}

/** Every sheet of an .xlsx, or the one table of a .csv. Throws TableReadError with a Chinese message. */
export async function readTable(bytes: Uint8Array): Promise<Sheet[]> {
  if (bytes.byteLength === 0) throw new TableReadError("上传的文件是空的。");
  if (bytes.byteLength > MAX_TABLE_BYTES) throw new TableReadError("文件超过 10 MB，请拆分后分批导入。");
  if (isOle(bytes)) throw new TableReadError("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后上传。");
  if (!isZip(bytes)) return [{ name: "CSV", rows: parseCsv(decodeText(bytes)) }];
  if (unzippedSize(bytes) > MAX_UNZIPPED_BYTES) throw new TableReadError("Excel 文件解压后过大，请拆分后分批导入。");
  try {
    const copy = bytes.slice().buffer as ArrayBuffer;
    const sheets = await readXlsxFile(copy, { trim: true });
    return sheets.map((s) => ({ name: s.sheet, rows: s.data as unknown as Cell[][] }));
  } catch (e) {
    throw new TableReadError(`无法读取 Excel 文件（${e instanceof Error ? e.message : String(e)}），请确认文件为 .xlsx 格式。`);
  }
}
