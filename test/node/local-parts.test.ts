/**
 * localParts reads a zone's offset once per UTC hour (issue 12): checked against Intl's own answer for every
 * instant, in zones with DST, half-hour and 45-minute offsets and historic changes, across transitions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localParts } from "../../src/domain/calendar.js";

const ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Apia", "Asia/Kolkata"];

function viaIntl(ms: number, tz: string) {
  const f = new Intl.DateTimeFormat("en-US", { timeZone: tz, calendar: "gregory", numberingSystem: "latn", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", weekday: "short", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday) + 1;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second), weekday };
}

describe("localParts", () => {
  it("equals Intl for any instant 1900–2100 in zones with odd offsets and transitions", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...ZONES), (ms, tz) => {
        expect(localParts(ms, tz)).toEqual(viaIntl(ms, tz));
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it("equals Intl minute by minute around DST changes (New York 2026-03-08, Lord Howe 2026-04-05)", () => {
    for (const [start, tz] of [[Date.UTC(2026, 2, 8, 5), "America/New_York"], [Date.UTC(2026, 3, 4, 13), "Australia/Lord_Howe"]] as const) {
      for (let ms = start; ms < start + 4 * 3_600_000; ms += 60_000 + 17) expect(localParts(ms, tz)).toEqual(viaIntl(ms, tz));
    }
  });
});
