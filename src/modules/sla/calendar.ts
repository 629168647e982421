import { DateTime } from "luxon";

/**
 * Business time: weekly opening hours in an IANA time zone, minus holidays
 * (or open around the clock). Pure functions of a calendar and instants, so
 * SLA deadlines are tested with a controlled clock and property tests
 * (calendar.unit.test.ts), never with the wall clock.
 *
 * Opening hours are local wall-clock times: a desk open 09:00–17:00 in
 * New York is open 8 hours on the day daylight saving starts too, and its
 * opening instants move with the offset. Luxon resolves local times (a time
 * inside a spring-forward gap moves forward; an ambiguous one takes the
 * earlier offset). Each local day's open intervals are computed once and
 * cached as epoch milliseconds, so adding business time over a million
 * deadlines is integer arithmetic, not time-zone conversion.
 */

export interface OpeningHours {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: number;
  /** Local "HH:MM". */
  start: string;
  /** Local "HH:MM", after start; "24:00" is midnight at the end of the day. */
  end: string;
}

export interface CalendarSpec {
  timeZone: string;
  /** Open around the clock: business time is calendar time. */
  alwaysOpen: boolean;
  hours: OpeningHours[];
  /** Local dates "YYYY-MM-DD", or "MM-DD" for every year. */
  holidays: string[];
}

const DAY_MS = 86_400_000;
const BUCKET_MS = 900_000; // every UTC offset in use is a whole number of quarter hours
const MAX_DAYS = 3_660; // a calendar that never opens within ten years is refused rather than looped over

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function minutesOf(hhmm: string): number {
  if (hhmm === "24:00") return 1440;
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

/** Problems with a calendar's definition, as messages (empty when valid). */
export function checkCalendarSpec(spec: CalendarSpec): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!DateTime.local().setZone(spec.timeZone).isValid) problems.push({ path: "timeZone", message: "not an IANA time zone" });
  spec.hours.forEach((h, i) => {
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) problems.push({ path: `hours.${i}.day`, message: "1 (Monday) to 7 (Sunday)" });
    if (!HHMM.test(h.start) || h.start === "24:00") problems.push({ path: `hours.${i}.start`, message: "HH:MM" });
    else if (!HHMM.test(h.end)) problems.push({ path: `hours.${i}.end`, message: "HH:MM or 24:00" });
    else if (minutesOf(h.end) <= minutesOf(h.start)) problems.push({ path: `hours.${i}.end`, message: "must be after start" });
  });
  spec.holidays.forEach((d, i) => {
    if (!/^(\d{4}-)?\d{2}-\d{2}$/.test(d)) problems.push({ path: `holidays.${i}`, message: "YYYY-MM-DD or MM-DD" });
  });
  if (!spec.alwaysOpen && spec.hours.length === 0) problems.push({ path: "hours", message: "opening hours, or alwaysOpen" });
  return problems;
}

interface Day {
  /** Open intervals [start, end) in epoch ms, sorted, disjoint. */
  open: [number, number][];
  /** First instant of the next local day. */
  next: number;
}

export class BusinessCalendar {
  private readonly days = new Map<number, Day>();
  private readonly dayOfBucket = new Map<number, number>();
  private readonly holidays: Set<string>;
  private readonly byWeekday: [number, number][][];

  constructor(readonly spec: CalendarSpec) {
    this.holidays = new Set(spec.holidays);
    this.byWeekday = Array.from({ length: 8 }, () => []);
    for (const h of spec.hours) this.byWeekday[h.day]!.push([minutesOf(h.start), minutesOf(h.end)]);
    for (const list of this.byWeekday) list.sort((a, b) => a[0] - b[0]);
  }

  get alwaysOpen(): boolean {
    return this.spec.alwaysOpen;
  }

  /** The instant `durationMs` of business time after `from` (an interval's end when it lands on one). */
  add(from: Date | number, durationMs: number): number {
    const t0 = +from;
    if (this.spec.alwaysOpen || durationMs <= 0) return t0 + Math.max(0, durationMs);
    let remaining = durationMs;
    let ordinal = this.ordinalOf(t0);
    let at = t0;
    for (let i = 0; i < MAX_DAYS; i++, ordinal++) {
      for (const [start, end] of this.day(ordinal).open) {
        if (end <= at) continue;
        const s = Math.max(start, at);
        const available = end - s;
        if (remaining <= available) return s + remaining;
        remaining -= available;
      }
    }
    throw new Error("this calendar has no opening hours within ten years");
  }

  /** Business time between two instants (0 when `to` is not after `from`). */
  elapsed(from: Date | number, to: Date | number): number {
    const a = +from;
    const b = +to;
    if (b <= a) return 0;
    if (this.spec.alwaysOpen) return b - a;
    let total = 0;
    for (let ordinal = this.ordinalOf(a); ; ordinal++) {
      const day = this.day(ordinal);
      for (const [start, end] of day.open) {
        const s = Math.max(start, a);
        const e = Math.min(end, b);
        if (e > s) total += e - s;
      }
      if (day.next >= b) return total;
    }
  }

  isOpen(at: Date | number): boolean {
    const t = +at;
    if (this.spec.alwaysOpen) return true;
    return this.day(this.ordinalOf(t)).open.some(([s, e]) => t >= s && t < e);
  }

  /** The next instant the desk is open, `at` itself if open now. */
  nextOpen(at: Date | number): number {
    const t = +at;
    if (this.spec.alwaysOpen) return t;
    let ordinal = this.ordinalOf(t);
    for (let i = 0; i < MAX_DAYS; i++, ordinal++) {
      for (const [s, e] of this.day(ordinal).open) if (e > t) return Math.max(s, t);
    }
    throw new Error("this calendar has no opening hours within ten years");
  }

  /** When today's business ends (the last interval's end of the local day of `at`), or null on a closed day. */
  closingOf(at: Date | number): number | null {
    const open = this.day(this.ordinalOf(+at)).open;
    return open.length ? open[open.length - 1]![1] : null;
  }

  /** Local calendar date "YYYY-MM-DD" of an instant. */
  localDate(at: Date | number): string {
    return DateTime.fromMillis(+at, { zone: this.spec.timeZone }).toISODate()!;
  }

  /** Days since 1970-01-01 of the local date of `t`. */
  private ordinalOf(t: number): number {
    const bucket = Math.floor(t / BUCKET_MS);
    let ordinal = this.dayOfBucket.get(bucket);
    if (ordinal === undefined) {
      const local = DateTime.fromMillis(bucket * BUCKET_MS, { zone: this.spec.timeZone });
      ordinal = Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
      if (this.dayOfBucket.size > 200_000) this.dayOfBucket.clear();
      this.dayOfBucket.set(bucket, ordinal);
    }
    return ordinal;
  }

  private day(ordinal: number): Day {
    let day = this.days.get(ordinal);
    if (day) return day;
    const utc = new Date(ordinal * DAY_MS);
    const ymd = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
    const zone = this.spec.timeZone;
    const at = (minutes: number) =>
      minutes >= 1440
        ? DateTime.fromObject({ ...ymd }, { zone }).plus({ days: 1 }).startOf("day").toMillis()
        : DateTime.fromObject({ ...ymd, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone }).toMillis();
    const iso = utc.toISOString().slice(0, 10);
    const holiday = this.holidays.has(iso) || this.holidays.has(iso.slice(5));
    const weekday = ((utc.getUTCDay() + 6) % 7) + 1;
    const open: [number, number][] = [];
    if (!holiday) {
      for (const [s, e] of this.byWeekday[weekday]!) {
        const start = at(s);
        const end = at(e);
        if (end <= start) continue;
        const last = open[open.length - 1];
        if (last && start <= last[1]) last[1] = Math.max(last[1], end);
        else open.push([start, end]);
      }
    }
    day = { open, next: at(1440) };
    if (this.days.size > 20_000) this.days.clear();
    this.days.set(ordinal, day);
    return day;
  }
}

export const ALWAYS_OPEN: CalendarSpec = { timeZone: "UTC", alwaysOpen: true, hours: [], holidays: [] };
