import type { App } from "./app";
import { ensureQueues } from "./platform/queue";
import { type Reactor, type ReactorJob, runReactor, runReactorBatch } from "./modules/activity/reactors";
import { reactorQueue } from "./modules/activity/service";
import { allSchedules } from "./schedules";

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
    const id = await app.boss.work<ReactorJob>(queue, { batchSize: 50, pollingIntervalSeconds: 0.5 }, (jobs) =>
      runBatch(app, reactor, queue, jobs),
    );
    ids.push(id);
  }
  const timers: NodeJS.Timeout[] = [];
  for (const schedule of allSchedules) {
    const run = () =>
      schedule.run(app).catch((err: unknown) => {
        app.log.error({ err, schedule: schedule.name }, "scheduled task failed");
      });
    if (schedule.everySeconds) {
      let running = false;
      timers.push(
        setInterval(() => {
          if (running) return;
          running = true;
          void run().finally(() => (running = false));
        }, schedule.everySeconds * 1000).unref(),
      );
    }
    if (schedule.cron) {
      const queue = `schedule.${schedule.name}`;
      await ensureQueues(app.boss, [queue]);
      await app.boss.schedule(queue, schedule.cron);
      ids.push(await app.boss.work(queue, async () => void (await schedule.run(app))));
    }
  }
  app.log.info({ reactors: app.reactors.map((r) => r.name), schedules: allSchedules.map((s) => s.name) }, "workers started");
  return async () => {
    for (const timer of timers) clearInterval(timer);
    for (const id of ids) await app.boss.offWork({ id } as never).catch(() => undefined);
  };
}

/**
 * A batch runs in one transaction. If it fails, each job runs alone, so one
 * poisoned activity fails (and is retried with back-off by pg-boss) without
 * holding back the others.
 */
export async function runBatch(app: App, reactor: Reactor, queue: string, jobs: { id: string; data: ReactorJob }[]): Promise<void> {
  const base = { db: app.database.db, clock: app.clock, outbox: app.outbox };
  try {
    await runReactorBatch(
      base,
      reactor,
      jobs.map((j) => j.data),
    );
    return;
  } catch (err) {
    if (jobs.length === 1) throw err;
  }
  const failed: string[] = [];
  for (const job of jobs) {
    try {
      await runReactor(base, reactor, job.data);
    } catch (err) {
      app.log.error({ err, reactor: reactor.name, activityId: job.data.activityId }, "reactor failed");
      failed.push(job.id);
    }
  }
  // Jobs failed here stay failed when pg-boss completes the batch (it completes only active jobs).
  if (failed.length) await app.boss.fail(queue, failed);
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
      const jobs = (await app.boss.fetch<ReactorJob>(queue, { batchSize: 100 })) ?? [];
      if (jobs.length === 0) continue;
      try {
        await runReactorBatch(
          { db: app.database.db, clock: app.clock, outbox: app.outbox },
          reactor,
          jobs.map((j) => j.data),
        );
        await app.boss.complete(
          queue,
          jobs.map((j) => j.id),
        );
      } catch (err) {
        await app.boss.fail(
          queue,
          jobs.map((j) => j.id),
        );
        throw err;
      }
      ran += jobs.length;
    }
    total += ran;
    if (ran === 0) return total;
  }
  return total;
}
