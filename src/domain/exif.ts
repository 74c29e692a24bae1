/**
 * Capture time, place and orientation from a photo's EXIF (evidence.md §4). exifr's `reviveValues` would read
 * DateTimeOriginal in the host's time zone and ignore OffsetTimeOriginal, so times are parsed here: the written
 * offset when there is one, else business time (+08:00; phones in China write local time).
 */
import exifr from "exifr/dist/lite.esm.mjs";

export type ExifFacts = { takenAt?: number; lat?: number; lon?: number; orientation?: number };

const TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** "YYYY:MM:DD HH:MM:SS" + optional "±HH:MM" → epoch ms; undefined when absent or malformed ("0000:00:00 …"). */
export function exifInstant(dt: unknown, offset: unknown, defaultOffsetMinutes = 480): number | undefined {
  const m = typeof dt === "string" ? TIME.exec(dt.trim()) : null;
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const o = typeof offset === "string" ? OFFSET.exec(offset.trim()) : null;
  const off = o ? (o[1] === "-" ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : defaultOffsetMinutes;
  return Date.UTC(y, mo - 1, d, h, mi, s) - off * 60_000;
}

function degrees(v: unknown, ref: unknown): number | undefined {
  const a = Array.isArray(v) ? v.map(Number) : typeof v === "number" ? [v] : [];
  if (a.length === 0 || a.some((x) => !Number.isFinite(x))) return undefined;
  const deg = (a[0] ?? 0) + (a[1] ?? 0) / 60 + (a[2] ?? 0) / 3600;
  return ref === "S" || ref === "W" ? -deg : deg;
}

/** Never throws: a photo without readable EXIF simply has no facts. */
export async function readExif(bytes: Uint8Array): Promise<ExifFacts> {
  let t: Record<string, unknown> | undefined;
  try {
    t = await exifr.parse(bytes, { reviveValues: false, translateValues: false, gps: true, xmp: false, icc: false, iptc: false, jfif: false });
  } catch {
    return {};
  }
  if (!t) return {};
  const lat = degrees(t.GPSLatitude, t.GPSLatitudeRef);
  const lon = degrees(t.GPSLongitude, t.GPSLongitudeRef);
  // 0,0 is what some phones write with no fix.
  const gps = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
  return {
    takenAt: exifInstant(t.DateTimeOriginal, t.OffsetTimeOriginal),
    ...(gps ? { lat, lon } : {}),
    orientation: typeof t.Orientation === "number" ? t.Orientation : undefined,
  };
}
