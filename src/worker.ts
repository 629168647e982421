import type { App } from "./app";
import { type ReactorJob, runReactor } from "./modules/activity/reactors";
import { reactorQueue } from "./modules/activity/service";

/**
 * Runs the reactors: each subscribes to its own queue and takes jobs in
 * batches (pg-boss without batching tops out near 100 jobs/s). A failed job
 * is retried with back-off by pg-boss; receipts keep retries from repeating
 * effects.
 */
export async function startWorkers(app: App): Promise<() => Promise<void>> {
  const ids: string[] = [];
  for (const reactor of app.reactors.filter((r) => r.mode !== "inline")) {
    const queue = reactorQueue(reactor.name);
    const id = await app.boss.work<ReactorJob>(queue, { batchSize: 50, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs) {
        await runReactor({ db: app.database.db, clock: app.clock, outbox: app.outbox }, reactor, job.data);
      }
    });
    ids.push(id);
  }
  app.log.info({ reactors: app.reactors.map((r) => r.name) }, "workers started");
  return async () => {
    for (const id of ids) await app.boss.offWork({ id } as never).catch(() => undefined);
  };
}

/**
 * Runs every pending reactor job now, until none is left (tests, the CLI's
 * seed). Returns how many ran.
 */
export async function drainReactors(app: App, maxRounds = 100): Promise<number> {
  let total = 0;
  for (let round = 0; round < maxRounds; round++) {
    let ran = 0;
    for (const reactor of app.reactors.filter((r) => r.mode !== "inline")) {
      const queue = reactorQueue(reactor.name);
      const jobs = await app.boss.fetch<ReactorJob>(queue, { batchSize: 100 });
      for (const job of jobs ?? []) {
        try {
          await runReactor({ db: app.database.db, clock: app.clock, outbox: app.outbox }, reactor, job.data);
          await app.boss.complete(queue, job.id);
        } catch (err) {
          await app.boss.fail(queue, job.id, { message: (err as Error).message });
          throw err;
        }
        ran++;
      }
    }
    total += ran;
    if (ran === 0) return total;
  }
  return total;
}
