import type { Ctx, InlineHandler, Outbox, RecordedActivity } from "../../platform/context";
import { inTransaction, systemActor } from "../../platform/context";
import { type PgBoss, insertJobs, jobsSql } from "../../platform/queue";
import type { ActivityRow } from "./schema";
import { claimReceipt, claimReceipts, getActivities, getActivity, reactorQueue } from "./service";

/**
 * A reactor does the follow-up work of an activity (rules, SLA timers,
 * routing, notifications, counters) in a job of its own. It runs at least
 * once; the receipt written in its transaction makes its effects happen once.
 */
export interface Reactor {
  name: string;
  /** Activity types it reacts to. */
  on: readonly string[];
  /**
   * "queue" (default): later, in a job of its own, retried on failure.
   * "inline": now, in the transaction that recorded the activity — for what
   * must hold the moment the change commits (priority, SLA clock, routing,
   * realtime fan-out). An inline reactor's failure fails the change.
   */
  mode?: "queue" | "inline";
  /**
   * A queued reactor subscribed to a frequent type (every `ticket.updated`)
   * that cares about a few of them says which here, so the others cost no job.
   */
  accepts?(activity: RecordedActivity): boolean;
  handle(ctx: Ctx, activity: ActivityRow | RecordedActivity): Promise<void>;
  /**
   * For a reactor whose effects add up (a counter): a batch of a queue's
   * activities of one workspace handled at once — one write for many jobs
   * instead of one each. Without it, `handle` runs per activity.
   */
  handleMany?(ctx: Ctx, activities: readonly ActivityRow[]): Promise<void>;
}

const isInline = (r: Reactor) => r.mode === "inline";

export const reactorQueues = (reactors: readonly Reactor[]) => reactors.filter((r) => !isInline(r)).map((r) => reactorQueue(r.name));

export function createOutbox(boss: PgBoss, reactors: readonly Reactor[]): Outbox {
  const queued = new Map<string, Reactor[]>();
  const inline = new Map<string, InlineHandler[]>();
  for (const reactor of reactors) {
    for (const type of reactor.on) {
      if (isInline(reactor)) inline.set(type, [...(inline.get(type) ?? []), (ctx, activity) => reactor.handle(ctx, activity)]);
      else queued.set(type, [...(queued.get(type) ?? []), reactor]);
    }
  }
  return {
    reactorsFor: (type, activity) =>
      (queued.get(type) ?? []).filter((r) => !activity || !r.accepts || r.accepts(activity)).map((r) => r.name),
    jobsSql,
    inlineFor: (type) => inline.get(type) ?? [],
    enqueue: (db, jobs) => insertJobs(boss, db, jobs),
  };
}

export interface ReactorJob {
  workspaceId: string;
  activityId: string;
}

/**
 * Handles a batch of jobs in one transaction: the activities in one read,
 * the receipts in one write, then each handler. A job queue delivering
 * hundreds of activities a second would otherwise pay a transaction (and
 * a commit's fsync) per activity. Returns how many were handled now.
 */
export async function runReactorBatch(base: Pick<Ctx, "db" | "clock" | "outbox">, reactor: Reactor, jobs: ReactorJob[]): Promise<number> {
  let handled = 0;
  const byWorkspace = new Map<string, string[]>();
  for (const job of jobs) byWorkspace.set(job.workspaceId, [...(byWorkspace.get(job.workspaceId) ?? []), job.activityId]);
  await base.db.transaction(async (db) => {
    for (const [workspaceId, ids] of byWorkspace) {
      const ctx: Ctx = { ...base, db, inTx: true, workspaceId, actor: systemActor(`reactor:${reactor.name}`) };
      const claimed = new Set(await claimReceipts(ctx, reactor.name, ids));
      if (claimed.size === 0) continue;
      const activities = await getActivities(ctx, [...claimed]);
      if (reactor.handleMany) await reactor.handleMany(ctx, activities);
      else for (const activity of activities) await reactor.handle(ctx, activity);
      handled += activities.length;
    }
  });
  return handled;
}

/** Handles one job; returns false when the activity was already handled (or is gone). */
export async function runReactor(base: Pick<Ctx, "db" | "clock" | "outbox">, reactor: Reactor, job: ReactorJob): Promise<boolean> {
  const ctx: Ctx = { ...base, workspaceId: job.workspaceId, actor: systemActor(`reactor:${reactor.name}`) };
  return inTransaction(ctx, async (tx) => {
    const activity = await getActivity(tx, job.workspaceId, job.activityId);
    if (!activity) return false; // its workspace was deleted
    if (!(await claimReceipt(tx, reactor.name, activity.id))) return false;
    await reactor.handle(tx, activity);
    return true;
  });
}
