import type { App } from "./app";
import { endOfDay } from "./modules/routing/handover";
import { runAutomations, workspacesWithAutomations } from "./modules/rules/service";
import { sweepSla } from "./modules/sla/sweep";
import { sendDueSurveys } from "./modules/feedback/service";

/**
 * Work that time, not an activity, causes. `everySeconds` runs in every
 * worker process (the task must be safe to run concurrently: the SLA sweep
 * locks rows with SKIP LOCKED); `cron` runs once per tick across all
 * processes, through pg-boss's scheduler.
 */
export interface Schedule {
  name: string;
  everySeconds?: number;
  cron?: string;
  run(app: App): Promise<unknown>;
}

const base = (app: App) => ({ db: app.database.db, clock: app.clock, outbox: app.outbox });

export const allSchedules: readonly Schedule[] = [
  { name: "sla.sweep", everySeconds: 15, run: (app) => sweepSla(base(app)) },
  {
    name: "rules.automations",
    cron: "*/5 * * * *",
    async run(app) {
      let fired = 0;
      for (const workspaceId of await workspacesWithAutomations(app.database.db)) fired += await runAutomations(base(app), workspaceId);
      return fired;
    },
  },
  // Surveys whose desk asks for a delay after solving; SKIP LOCKED makes every worker safe to run it.
  { name: "feedback.surveys", everySeconds: 60, run: (app) => sendDueSurveys(base(app)) },
  { name: "handover.end-of-day", cron: "*/5 * * * *", run: (app) => endOfDay(base(app)) },
];
