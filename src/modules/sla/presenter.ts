import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import type { SlaCalendarRow, SlaPolicyRow } from "./schema";
import { slaMetrics } from "./schema";
import type { TicketSla } from "./service";

export const openingHoursSchema = z.object({ day: z.number().int().min(1).max(7), start: z.string(), end: z.string() }).strict();

export const calendarSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    alwaysOpen: z.boolean(),
    hours: z.array(openingHoursSchema),
    holidays: z.array(z.string()),
    isDefault: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "SlaCalendar" });

export const presentCalendar = (c: SlaCalendarRow) => ({
  id: c.id,
  name: c.name,
  timeZone: c.timeZone,
  alwaysOpen: c.alwaysOpen,
  hours: c.hours,
  holidays: c.holidays,
  isDefault: c.isDefault,
  createdAt: isoRequired(c.createdAt),
  updatedAt: isoRequired(c.updatedAt),
});

export const policyTargetSchema = z.object({ metric: z.enum(slaMetrics), minutes: z.number().int().min(1).max(525_600) }).strict();

export const policySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    active: z.boolean(),
    conditions: z.unknown(),
    targets: z.array(policyTargetSchema),
    calendarId: z.string().nullable(),
    businessTime: z.boolean(),
    warnPercent: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "SlaPolicy" });

export const presentPolicy = (p: SlaPolicyRow) => ({
  id: p.id,
  name: p.name,
  position: p.position,
  active: p.active,
  conditions: p.conditions,
  targets: p.targets,
  calendarId: p.calendarId,
  businessTime: p.calendarId !== null,
  warnPercent: p.warnPercent,
  createdAt: isoRequired(p.createdAt),
  updatedAt: isoRequired(p.updatedAt),
});

export const ticketSlaSchema = z
  .object({
    policy: z.object({ id: z.string(), name: z.string() }).nullable(),
    targets: z.array(
      z.object({
        metric: z.enum(slaMetrics),
        /** Null while the clock is paused. */
        dueAt: nullableTimestamp,
        achievedAt: nullableTimestamp,
        pausedAt: nullableTimestamp,
        state: z.enum(["running", "paused", "warning", "met", "breached"]),
        businessTime: z.boolean(),
        targetMinutes: z.number().int(),
        cycle: z.number().int(),
      }),
    ),
  })
  .meta({ id: "TicketSla" });

export const presentTicketSla = (s: TicketSla) => ({
  policy: s.policy,
  targets: s.targets.map((t) => ({ ...t, dueAt: iso(t.dueAt), achievedAt: iso(t.achievedAt), pausedAt: iso(t.pausedAt) })),
});
