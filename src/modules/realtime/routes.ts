import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DomainError } from "../../platform/errors";
import { ctxOf } from "../identity/http";
import { getTicket } from "../tickets/service";
import { RealtimeHub } from "./hub";

const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("view"), ticketId: z.uuid().nullable() }).strict(),
  z.object({ type: z.literal("typing"), ticketId: z.uuid(), typing: z.boolean() }).strict(),
  z.object({ type: z.literal("ping") }).strict(),
]);

/**
 * GET /api/v1/realtime (WebSocket): changes to tickets on the agent's desks
 * as they commit, @mentions, and who else is viewing or typing on the
 * ticket the agent has open. Authenticated by the session cookie; a page of
 * another origin may not open it.
 */
export async function realtimeRoutes(server: FastifyInstance): Promise<void> {
  const hub = new RealtimeHub(server.usher.database);
  await hub.start();
  server.addHook("onClose", async () => hub.stop());
  server.decorate("realtime", hub);

  server.get(
    "/api/v1/realtime",
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request) => {
        const origin = request.headers.origin;
        if (origin && new URL(origin).host !== request.headers.host) {
          throw new DomainError("auth.forbidden", "The real-time socket opens only from Usher's own pages");
        }
        const ctx = ctxOf(request);
        if (ctx.actor.kind !== "agent") throw new DomainError("auth.forbidden", "Only agents have a real-time feed");
      },
    },
    (socket, request) => {
      const ctx = ctxOf(request);
      if (ctx.actor.kind !== "agent") return socket.close();
      const client = hub.add({
        workspaceId: ctx.workspaceId,
        actor: ctx.actor,
        send: (message) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
      });
      client.send({ type: "hello", connectionId: client.id });
      let queue = Promise.resolve();
      socket.on("message", (raw: Buffer) => {
        queue = queue.then(async () => {
          let parsed: z.infer<typeof clientMessage>;
          try {
            parsed = clientMessage.parse(JSON.parse(String(raw)));
          } catch {
            client.send({ type: "error", code: "validation.failed" });
            return;
          }
          try {
            if (parsed.type === "ping") client.send({ type: "pong" });
            else if (parsed.type === "view") {
              if (parsed.ticketId) await getTicket(ctx, parsed.ticketId);
              await hub.view(client, parsed.ticketId);
            } else if (parsed.type === "typing") {
              if (client.ticketId !== parsed.ticketId) await getTicket(ctx, parsed.ticketId);
              await hub.view(client, parsed.ticketId, parsed.typing ? "typing" : "viewing");
            }
          } catch (err) {
            client.send({ type: "error", code: err instanceof DomainError ? err.code : "internal" });
          }
        });
      });
      socket.on("close", () => {
        queue = queue.then(() => hub.remove(client)).catch(() => undefined);
      });
    },
  );
}

declare module "fastify" {
  interface FastifyInstance {
    realtime: RealtimeHub;
  }
}
