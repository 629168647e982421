import type { BusinessCalendar } from "./calendar";
import type { SlaMetric, SlaTargetRow } from "./schema";

/**
 * The life of one SLA clock, as pure functions of the clock's row, an
 * instant and its calendar: start, pause, resume, achieve, restart. The
 * reactor (clocks.ts) decides which to call; these decide the deadlines.
 */

export type TargetState = "running" | "paused" | "warning" | "met" | "breached";

const MINUTE = 60_000;

export function newTarget(
  base: Pick<SlaTargetRow, "workspaceId" | "ticketId" | "policyId" | "calendarId" | "targetMinutes" | "warnPercent">,
  metric: SlaMetric,
  startedAt: Date,
  cal: BusinessCalendar,
): SlaTargetRow {
  const row: SlaTargetRow = {
    ...base,
    metric,
    startedAt,
    consumedMs: 0,
    dueAt: null,
    warnAt: null,
    achievedAt: null,
    pausedAt: null,
    warnedAt: null,
    breachedAt: null,
    nextCheckAt: null,
    cycle: 1,
    updatedAt: startedAt,
  };
  return refresh(row, cal);
}

export const isRunning = (row: SlaTargetRow) => row.startedAt !== null && row.achievedAt === null;

/** Deadline, warning time and next check of a running clock, from where it started and what it used before. */
export function refresh(row: SlaTargetRow, cal: BusinessCalendar): SlaTargetRow {
  if (!isRunning(row)) {
    row.dueAt = row.achievedAt ? row.dueAt : null;
    row.warnAt = null;
    row.nextCheckAt = null;
    return row;
  }
  const targetMs = row.targetMinutes * MINUTE;
  const due = cal.add(row.startedAt!, Math.max(0, targetMs - row.consumedMs));
  row.dueAt = new Date(due);
  row.warnAt = new Date(due - Math.round((targetMs * row.warnPercent) / 100));
  row.nextCheckAt = row.warnedAt === null && row.breachedAt === null ? row.warnAt : row.breachedAt === null ? row.dueAt : null;
  return row;
}

export function pause(row: SlaTargetRow, at: Date, cal: BusinessCalendar): SlaTargetRow {
  if (!isRunning(row)) return row;
  row.consumedMs += cal.elapsed(row.startedAt!, at);
  row.startedAt = null;
  row.pausedAt = at;
  row.updatedAt = at;
  return refresh(row, cal);
}

export function resume(row: SlaTargetRow, at: Date, cal: BusinessCalendar): SlaTargetRow {
  if (row.achievedAt || !row.pausedAt) return row;
  row.startedAt = at;
  row.pausedAt = null;
  row.updatedAt = at;
  return refresh(row, cal);
}

/** Stops the clock as met (or late). Returns true when it was late and no breach had been recorded yet. */
export function achieve(row: SlaTargetRow, at: Date, cal: BusinessCalendar): boolean {
  if (row.achievedAt) return false;
  if (isRunning(row)) refresh(row, cal);
  const late = row.dueAt !== null && at.getTime() > row.dueAt.getTime();
  if (row.startedAt) row.consumedMs += cal.elapsed(row.startedAt, at);
  row.startedAt = null;
  row.pausedAt = null;
  row.achievedAt = at;
  row.nextCheckAt = null;
  row.warnAt = null;
  row.updatedAt = at;
  const newlyBreached = late && row.breachedAt === null;
  if (newlyBreached) row.breachedAt = at;
  return newlyBreached;
}

/** Undoes an achievement (a solved ticket reopened): the clock goes on from what it had used. */
export function reopen(row: SlaTargetRow, at: Date, cal: BusinessCalendar, paused: boolean): SlaTargetRow {
  if (!row.achievedAt) return row;
  row.achievedAt = null;
  if (paused) row.pausedAt = at;
  else row.startedAt = at;
  row.updatedAt = at;
  return refresh(row, cal);
}

/** A new round of a next-reply clock: the customer wrote again. */
export function restart(row: SlaTargetRow, at: Date, cal: BusinessCalendar, paused: boolean): SlaTargetRow {
  row.cycle += row.achievedAt || row.breachedAt ? 1 : 0;
  row.consumedMs = 0;
  row.achievedAt = null;
  row.warnedAt = null;
  row.breachedAt = null;
  row.startedAt = paused ? null : at;
  row.pausedAt = paused ? at : null;
  row.dueAt = null;
  row.updatedAt = at;
  return refresh(row, cal);
}

export function stateOf(row: SlaTargetRow, now: Date): TargetState {
  if (row.achievedAt) return row.breachedAt ? "breached" : "met";
  if (row.breachedAt || (row.dueAt && row.dueAt.getTime() <= now.getTime())) return "breached";
  if (row.pausedAt) return "paused";
  if (row.warnedAt || (row.warnAt && row.warnAt.getTime() <= now.getTime())) return "warning";
  return "running";
}

/** The nearest deadline still running: the ticket's due time in the queue. */
export function nextDue(rows: readonly SlaTargetRow[]): Date | null {
  let best: Date | null = null;
  for (const row of rows) if (isRunning(row) && row.dueAt && (!best || row.dueAt < best)) best = row.dueAt;
  return best;
}
