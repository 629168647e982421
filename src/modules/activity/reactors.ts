import type { Ctx } from "../../platform/context";
import { inTransaction, systemActor } from "../../platform/context";
import type { ActivityRow } from "./schema";
import { claimReceipt, getActivity, reactorQueue } from "./service";

/**
 * A reactor does the follow-up work of an activity (rules, SLA timers,
 * routing, notifications, counters) in a job of its own. It runs at least
 * once; the receipt written in its transaction makes its effects happen once.
 */
export interface Reactor {
  name: string;
  /** Activity types it reacts to. */
  on: readonly string[];
  handle(ctx: Ctx, activity: ActivityRow): Promise<void>;
}

export function subscriptionsOf(reactors: readonly Reactor[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const reactor of reactors) {
    for (const type of reactor.on) map.set(type, [...(map.get(type) ?? []), reactor.name]);
  }
  return map;
}

export const reactorQueues = (reactors: readonly Reactor[]) => reactors.map((r) => reactorQueue(r.name));

export interface ReactorJob {
  workspaceId: string;
  activityId: string;
}

/** Handles one job; returns false when the activity was already handled (or is gone). */
export async function runReactor(base: Omit<Ctx, "workspaceId" | "actor">, reactor: Reactor, job: ReactorJob): Promise<boolean> {
  const ctx: Ctx = { ...base, workspaceId: job.workspaceId, actor: systemActor(`reactor:${reactor.name}`) };
  return inTransaction(ctx, async (tx) => {
    const activity = await getActivity(tx, job.workspaceId, job.activityId);
    if (!activity) return false; // its workspace was deleted
    if (!(await claimReceipt(tx, reactor.name, activity.id))) return false;
    await reactor.handle(tx, activity);
    return true;
  });
}
