import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import cliProgress from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { type App, cliActor, openApp } from "./app";
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_WORKSPACE, seedDemo } from "./modules/demo/seed";
import { createAgent } from "./modules/identity/service";
import { createWorkspace, countWorkspaces, findWorkspaceBySlug, listWorkspaces } from "./modules/workspaces/service";
import { syncConnector } from "./modules/commerce/connectors/sync";
import { importOrdersCsv } from "./modules/commerce/csv";
import { commerceDeps } from "./modules/commerce/deps";
import { ConfigError, type Config, loadConfig } from "./platform/config";
import { DomainError } from "./platform/errors";
import { migrate } from "./platform/migrate";
import { openPglite, openPostgres } from "./platform/db";
import { applyMemoryProfile } from "./platform/memory";
import { buildServer } from "./server";
import { startWorkers } from "./worker";
import { startChannels } from "./modules/channels/start";

const program = new Command()
  .name("usher")
  .description("Usher — the help desk for live entertainment, media and ticketing")
  .showHelpAfterError();

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number");
  return n;
};

program
  .command("start")
  .description("run everything in one process: API, workers and (without DATABASE_URL) the embedded database")
  .option("--demo", "load the demo help desk when the database is empty")
  .option("--tickets <n>", "demo tickets to generate", positive, 2500)
  .action(async (options: { demo?: boolean; tickets: number }) => {
    const config = loadConfig();
    applyMemoryProfile(config);
    const app = await openApp(config, { supervise: true });
    if (options.demo && (await countWorkspaces(app.database.db)) === 0) await runDemoSeed(app, options.tickets);
    const stopWorkers = await startWorkers(app);
    const server = await buildServer(app);
    await server.listen({ host: config.host, port: config.port });
    const stopChannels = await startChannels(app, { smtp: true, imap: true });
    announce(config, app, Boolean(options.demo));
    onShutdown(async () => {
      await stopChannels();
      await server.close();
      await stopWorkers();
      await app.close();
    });
  });

program
  .command("serve")
  .description("run the API only (scale out: several `serve` and `worker` processes on one PostgreSQL)")
  .option("--processes <n>", "HTTP processes sharing the port (Node runs JavaScript on one core per process)", positive, 1)
  .action(async (options: { processes: number }) => {
    const config = requirePostgres(loadConfig(), "serve");
    if (options.processes > 1 && cluster.isPrimary) return superviseProcesses(options.processes);
    applyMemoryProfile(config);
    const app = await openApp(config);
    const server = await buildServer(app);
    await server.listen({ host: config.host, port: config.port });
    // With several HTTP processes, only the first listens for SMTP (one port, one listener).
    const stopChannels = await startChannels(app, { smtp: !cluster.isWorker || cluster.worker?.id === 1 });
    app.log.info(`Usher API listening on ${config.publicUrl}`);
    onShutdown(async () => {
      await stopChannels();
      await server.close();
      await app.close();
    });
  });

program
  .command("worker")
  .description("run the reactors only (rules, SLA timers, routing, notifications)")
  .action(async () => {
    const config = requirePostgres(loadConfig(), "worker");
    applyMemoryProfile(config);
    const app = await openApp(config, { supervise: true });
    const stop = await startWorkers(app);
    const stopChannels = await startChannels(app, { imap: true });
    onShutdown(async () => {
      await stopChannels();
      await stop();
      await app.close();
    });
  });

program
  .command("migrate")
  .description("bring the database schema up to date")
  .action(async () => {
    const config = loadConfig();
    const database = config.databaseUrl ? openPostgres(config.databaseUrl) : await openPglite({ dataDir: config.dataDir });
    try {
      const applied = await migrate(database);
      console.log(applied.length ? `Applied ${applied.join(", ")}` : "The database is up to date.");
    } finally {
      await database.close();
    }
  });

program
  .command("seed")
  .description("load data")
  .requiredOption("--demo", "the demo help desk (Lumen Live: box office, streaming, advertisers)")
  .option("--tickets <n>", "how many tickets", positive, 2500)
  .option("--seed <n>", "random seed (same seed, same data)", positive, 2026)
  .action(async (options: { tickets: number; seed: number }) => {
    const app = await openApp(loadConfig());
    try {
      await runDemoSeed(app, options.tickets, options.seed);
      console.log(`Sign in as ${DEMO_ADMIN_EMAIL} with the password ${DEMO_PASSWORD}`);
    } finally {
      await app.close();
    }
  });

program
  .command("create-admin")
  .description("create an admin agent (and the workspace, if new)")
  .requiredOption("--email <email>", "the admin's e-mail")
  .requiredOption("--name <name>", "the admin's name")
  .option("--workspace <slug>", "workspace slug", "main")
  .option("--workspace-name <name>", "workspace name for a new workspace")
  .option("--password <password>", "password (default: USHER_ADMIN_PASSWORD, or a generated one)")
  .action(async (options: { email: string; name: string; workspace: string; workspaceName?: string; password?: string }) => {
    const app = await openApp(loadConfig());
    try {
      const workspace =
        (await findWorkspaceBySlug(app.database.db, options.workspace)) ??
        (await createWorkspace(app.database.db, app.clock, { slug: options.workspace, name: options.workspaceName ?? options.workspace }));
      const generated = !options.password && !process.env.USHER_ADMIN_PASSWORD;
      const password = options.password ?? process.env.USHER_ADMIN_PASSWORD ?? randomBytes(12).toString("base64url");
      const agent = await createAgent(app.ctx(workspace.id, cliActor), {
        email: options.email,
        name: options.name,
        role: "admin",
        password,
        allDesks: true,
      });
      console.log(`Created admin ${agent.email} in workspace "${workspace.slug}".`);
      if (generated) console.log(`Password (shown once): ${password}`);
    } finally {
      await app.close();
    }
  });

program
  .command("import-orders")
  .description("import orders from a CSV file (one row per admission; see docs/commerce.md), idempotent by order id")
  .argument("<file>", "the CSV file")
  .option("--workspace <slug>", "workspace slug (default: the only workspace)")
  .option("--source <name>", "where the orders come from; rows are upserted by (source, order id)", "csv")
  .action(async (file: string, options: { workspace?: string; source: string }) => {
    const app = await openApp(loadConfig());
    try {
      const ctx = app.ctx(await workspaceIdFor(app, options.workspace), cliActor);
      const bar = process.stdout.isTTY
        ? new cliProgress.SingleBar({ format: "Orders |{bar}| {percentage}% · {eta_formatted} left", hideCursor: true }, cliProgress.Presets.shades_classic)
        : undefined;
      let started = false;
      let lastLogged = 0;
      const result = await importOrdersCsv(ctx, file, {
        source: options.source,
        onProgress(done, total) {
          if (bar) {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          } else if (done - lastLogged >= total / 10 || done === total) {
            lastLogged = done;
            console.log(`  ${Math.round((100 * done) / Math.max(1, total))}%`);
          }
        },
      });
      bar?.stop();
      console.log(`Imported ${result.orders} orders with ${result.admissions} admissions from ${result.rows} rows; ${result.matchedContacts} matched to contacts.`);
      for (const p of result.problems.slice(0, 50)) console.log(`  line ${p.line}: ${p.message}`);
      if (result.problems.length > 50) console.log(`  … and ${result.problems.length - 50} more`);
      if (result.problems.length) process.exitCode = 2;
    } finally {
      await app.close();
    }
  });

program
  .command("sync-eventbrite")
  .description("pull events, orders and attendees changed on Eventbrite since the last sync (USHER_EVENTBRITE_TOKEN, USHER_EVENTBRITE_ORGANIZATION_ID)")
  .option("--workspace <slug>", "workspace slug (default: the only workspace)")
  .action(async (options: { workspace?: string }) => {
    const config = loadConfig();
    if (!config.eventbriteToken || !config.eventbriteOrganizationId) {
      throw new ConfigError(["USHER_EVENTBRITE_TOKEN and USHER_EVENTBRITE_ORGANIZATION_ID must be set to sync from Eventbrite"]);
    }
    const app = await openApp(config);
    try {
      const ctx = app.ctx(await workspaceIdFor(app, options.workspace), cliActor);
      const result = await syncConnector(ctx, commerceDeps(config).connectors.eventbrite!, {
        onPage: (resource, pages) => console.log(`  ${resource}: page ${pages}`),
      });
      console.log(`Synced ${result.events} events, ${result.orders} orders, ${result.admissions} attendees (${result.pages} pages).`);
    } finally {
      await app.close();
    }
  });

async function workspaceIdFor(app: App, slug?: string): Promise<string> {
  if (slug) {
    const ws = await findWorkspaceBySlug(app.database.db, slug);
    if (!ws) throw new DomainError("not_found", `No workspace "${slug}"`);
    return ws.id;
  }
  const all = await listWorkspaces(app.database.db);
  if (all.length !== 1) throw new DomainError("validation.failed", `There are ${all.length} workspaces: say which with --workspace <slug>`);
  return all[0]!.id;
}

/**
 * Forks `count` copies of this command that share the listening port (the
 * primary hands out connections round-robin) and replaces any that dies.
 */
function superviseProcesses(count: number) {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    if (stopping) return;
    console.error(`HTTP process ${worker.process.pid} exited (${code}); starting another`);
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  cluster.on("exit", () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
}

async function runDemoSeed(app: App, tickets: number, seed?: number) {
  const interactive = process.stdout.isTTY;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: "Demo data |{bar}| {value}/{total} tickets · {eta_formatted} left", hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let lastLogged = 0;
  const started = Date.now();
  console.log(`Generating the demo help desk (${tickets} tickets)…`);
  await seedDemo(app, {
    tickets,
    seed,
    onProgress(done, total) {
      if (bar) {
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      } else if (done - lastLogged >= Math.max(1000, total / 10) || done === total) {
        lastLogged = done;
        console.log(`  ${done}/${total} tickets`);
      }
    },
  });
  bar?.stop();
  console.log(`Demo data ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

function announce(config: Config, app: App, demo: boolean) {
  const lines = [
    "",
    `  Usher is running at ${config.publicUrl}`,
    `  Database: ${app.database.kind === "pglite" ? `embedded (PGlite) in ${config.dataDir}` : "PostgreSQL"}`,
  ];
  if (demo) lines.push(`  Demo sign-in: ${DEMO_ADMIN_EMAIL} / ${DEMO_PASSWORD} (workspace "${DEMO_WORKSPACE}")`);
  lines.push(`  API: ${config.publicUrl}/api/v1 · OpenAPI: ${config.publicUrl}/api/openapi.json`, "");
  console.log(lines.join("\n"));
}

function requirePostgres(config: Config, command: string): Config {
  if (!config.databaseUrl) {
    throw new ConfigError([
      `DATABASE_URL: \`usher ${command}\` shares a database with other processes, which the embedded database cannot do; set DATABASE_URL to a PostgreSQL server, or use \`usher start\``,
    ]);
  }
  return config;
}

function onShutdown(stop: () => Promise<void>) {
  let stopping = false;
  const handler = async (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C: leave now
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    await stop().catch((err) => console.error(err));
    process.exit(0);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DomainError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
