import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { App } from "../src/app";
import type { Clock } from "../src/platform/clock";
import { buildServer } from "../src/server";
import { startWorkers } from "../src/worker";
import { openTestApp } from "../test/helpers";

/** A real Usher server (API, workers) on an ephemeral port, on this run's test database. */
export interface RunningUsher {
  app: App;
  server: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startUsher(options: { clock?: Clock; workers?: boolean } = {}): Promise<RunningUsher> {
  const app = await openTestApp({ clock: options.clock });
  const stopWorkers = options.workers === false ? async () => undefined : await startWorkers(app);
  const server = await buildServer(app, { logger: false });
  await server.listen({ host: "127.0.0.1", port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return {
    app,
    server,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await stopWorkers();
      await app.close();
    },
  };
}
