import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessCalendar, type CalendarSpec, checkCalendarSpec } from "./calendar";

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));

const CALENDARS: Record<string, CalendarSpec> = {
  "New York office hours": { timeZone: "America/New_York", alwaysOpen: false, hours: weekdays("09:00", "17:00"), holidays: ["2026-07-03", "12-25"] },
  "London with a lunch break": {
    timeZone: "Europe/London",
    alwaysOpen: false,
    hours: [...weekdays("08:00", "12:30"), ...weekdays("13:30", "17:30")],
    holidays: ["2026-12-25", "2026-12-28"],
  },
  "Kyiv box office, late nights": {
    timeZone: "Europe/Kyiv",
    alwaysOpen: false,
    hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "10:00", end: "24:00" })),
    holidays: ["01-01"],
  },
  "Kathmandu (+05:45)": { timeZone: "Asia/Kathmandu", alwaysOpen: false, hours: weekdays("10:00", "18:00"), holidays: [] },
  // Opening at 02:00 on the night clocks go forward: an hour that does not exist locally.
  "Night shift across the DST gap": {
    timeZone: "America/New_York",
    alwaysOpen: false,
    hours: [1, 2, 3, 4, 5, 6, 7].flatMap((day) => [{ day, start: "00:00", end: "03:30" }]),
    holidays: [],
  },
  "24/7": { timeZone: "UTC", alwaysOpen: true, hours: [], holidays: [] },
};

const H = 3_600_000;
const instant = fc.integer({ min: Date.parse("2025-10-01T00:00:00Z"), max: Date.parse("2027-04-01T00:00:00Z") });
const duration = fc.integer({ min: 0, max: 30 * 24 * H });

describe.each(Object.entries(CALENDARS))("business time — %s", (_name, spec) => {
  const cal = new BusinessCalendar(spec);

  it("elapsed(t, add(t, d)) = d", () => {
    fc.assert(fc.property(instant, duration, (t, d) => cal.elapsed(t, cal.add(t, d)) === d));
  });

  it("add(t, d1 + d2) = add(add(t, d1), d2)", () => {
    fc.assert(fc.property(instant, duration, duration, (t, d1, d2) => cal.add(t, d1 + d2) === cal.add(cal.add(t, d1), d2)));
  });

  it("is monotonic in the duration and in the start", () => {
    fc.assert(
      fc.property(instant, duration, duration, (t, d1, d2) => {
        const [a, b] = d1 <= d2 ? [d1, d2] : [d2, d1];
        return cal.add(t, a) <= cal.add(t, b) && cal.add(t, a) >= t;
      }),
    );
    fc.assert(fc.property(instant, instant, duration, (t1, t2, d) => (t1 <= t2 ? cal.add(t1, d) <= cal.add(t2, d) : true)));
  });

  it("never lands inside closed hours", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 * 24 * H }), (t, d) => {
        const due = cal.add(t, d);
        // Landing exactly on a closing time is the end of an open interval: the instant just before is open.
        return cal.isOpen(due) || cal.isOpen(due - 1);
      }),
    );
  });

  it("elapsed is additive over a split point", () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        return cal.elapsed(a, c) === cal.elapsed(a, b) + cal.elapsed(b, c);
      }),
    );
  });
});

describe("business time at the edges", () => {
  const ny = new BusinessCalendar(CALENDARS["New York office hours"]!);

  it("counts 8 hours on the days daylight saving starts and ends", () => {
    // 2026-03-09 (Mon, first weekday after the spring change) and 2026-11-02 (Mon after the autumn change)
    expect(ny.elapsed(Date.parse("2026-03-09T04:00:00Z"), Date.parse("2026-03-10T04:00:00Z"))).toBe(8 * H);
    expect(ny.elapsed(Date.parse("2026-11-02T05:00:00Z"), Date.parse("2026-11-03T05:00:00Z"))).toBe(8 * H);
    // 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer
    expect(new Date(ny.nextOpen(Date.parse("2026-03-06T23:00:00Z"))).toISOString()).toBe("2026-03-09T13:00:00.000Z");
    expect(new Date(ny.nextOpen(Date.parse("2026-10-30T23:00:00Z"))).toISOString()).toBe("2026-11-02T14:00:00.000Z");
  });

  it("a 4-hour target set at 15:00 on Friday before a holiday Monday falls due on Tuesday", () => {
    const cal = new BusinessCalendar({ ...CALENDARS["New York office hours"]!, holidays: ["2026-09-07"] }); // Labor Day
    const due = cal.add(Date.parse("2026-09-04T19:00:00Z"), 4 * H); // Fri 15:00 EDT
    expect(new Date(due).toISOString()).toBe("2026-09-08T15:00:00.000Z"); // Tue 11:00 EDT
  });

  it("skips yearly holidays and recognises a closing time", () => {
    const due = ny.add(Date.parse("2026-12-24T21:00:00Z"), 2 * H); // Thu 16:00 EST, 25th closed
    expect(new Date(due).toISOString()).toBe("2026-12-28T15:00:00.000Z");
    expect(ny.closingOf(Date.parse("2026-12-24T15:00:00Z"))).toBe(Date.parse("2026-12-24T22:00:00Z"));
    expect(ny.closingOf(Date.parse("2026-12-26T15:00:00Z"))).toBeNull();
  });

  it("counts the Kyiv night shift on the night clocks go back", () => {
    const kyiv = new BusinessCalendar(CALENDARS["Kyiv box office, late nights"]!);
    // Sat 24 Oct 2026 10:00 → Sun 25 Oct 10:00 local: open 14 h on Saturday; Sunday opens at 10:00.
    expect(kyiv.elapsed(Date.parse("2026-10-24T07:00:00Z"), Date.parse("2026-10-25T08:00:00Z"))).toBe(14 * H);
  });

  it("refuses a calendar that does not make sense", () => {
    expect(checkCalendarSpec({ timeZone: "Mars/Olympus", alwaysOpen: false, hours: [{ day: 8, start: "18:00", end: "09:00" }], holidays: ["soon"] }).map((p) => p.path)).toEqual([
      "timeZone",
      "hours.0.day",
      "hours.0.end",
      "holidays.0",
    ]);
    expect(checkCalendarSpec({ timeZone: "UTC", alwaysOpen: false, hours: [], holidays: [] })).toHaveLength(1);
  });
});
