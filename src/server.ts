import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from "fastify-type-provider-zod";
import { collectDefaultMetrics, register } from "prom-client";
import type { App } from "./app";
import { contactRoutes } from "./modules/contacts/routes";
import { deskRoutes } from "./modules/desks/routes";
import { installAuthentication, rateLimitKey } from "./modules/identity/http";
import { identityRoutes } from "./modules/identity/routes";
import { intakeRoutes } from "./modules/intake/routes";
import { webhookRoutes } from "./modules/channels/webhooks";
import { chatRoutes } from "./modules/channels/chat/routes";
import { kbRoutes } from "./modules/kb/routes";
import { portalApiRoutes } from "./modules/portal/routes";
import { publicWebRoutes } from "./modules/portal/web";
import { ticketRoutes } from "./modules/tickets/routes";
import { commerceRoutes } from "./modules/commerce/routes";
import { feedbackRoutes } from "./modules/feedback/routes";
import { cannedRoutes } from "./modules/canned/routes";
import { realtimeRoutes } from "./modules/realtime/routes";
import { deliveryRoutes } from "./modules/channels/routes";
import { viewRoutes } from "./modules/views/routes";
import { webAppRoutes } from "./webapp";
import { slaRoutes } from "./modules/sla/routes";
import { priorityRoutes } from "./modules/priority/routes";
import { ruleRoutes } from "./modules/rules/routes";
import { routingRoutes } from "./modules/routing/routes";
import { notificationRoutes } from "./modules/notifications/routes";
import { incidentRoutes } from "./modules/incidents/routes";
import { DomainError } from "./platform/errors";
import { installErrorHandling, sendProblem } from "./platform/http";

let metricsStarted = false;

/** The HTTP server: thin routes over the services, one error renderer, OpenAPI at /api/openapi.json. */
export async function buildServer(app: App, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const server: FastifyInstance = Fastify({
    loggerInstance: (options.logger === false ? undefined : app.log) as FastifyInstance["log"] | undefined,
    bodyLimit: app.config.maxBodyBytes,
    trustProxy: app.config.trustProxy,
    // One line per request is noise at help-desk volumes; errors are logged by our error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Ids in paths are UUIDs or numbers; anything longer is a mistake or an attack.
    routerOptions: { maxParamLength: 200 },
  });
  server.decorate("usher", app);
  server.setValidatorCompiler(validatorCompiler);
  // Responses come from our presenters: the zod schemas document them (OpenAPI) but re-checking
  // every response with zod cost more than building it.
  server.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(server);

  await server.register(cookie);
  await server.register(rateLimit, {
    global: true,
    max: app.config.apiRateLimit,
    timeWindow: "1 minute",
    keyGenerator: rateLimitKey,
    allowList: (request) => !request.url.startsWith("/api/"),
    errorResponseBuilder: (_request, context) => {
      const error = new DomainError("request.rate_limited", `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      });
      return Object.assign(error, { statusCode: 429 });
    },
  });
  await server.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Usher API", version: "1", description: "The help desk for live entertainment, media and ticketing." },
      components: {
        securitySchemes: {
          token: { type: "http", scheme: "bearer", description: "A personal API token (usher_pat_…)" },
          session: { type: "apiKey", in: "cookie", name: "usher_session" },
        },
      },
      security: [{ token: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  installAuthentication(server);

  await server.register(identityRoutes);
  await server.register(deskRoutes);
  await server.register(contactRoutes);
  await server.register(ticketRoutes);
  await server.register(kbRoutes);
  await server.register(portalApiRoutes);
  await server.register(publicWebRoutes);
  // One WebSocket server for the agents' real-time feed and the chat widget (each plugin would otherwise
  // register its own inside its encapsulated context, and both would answer every upgrade).
  await server.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await server.register(commerceRoutes);
  await server.register(feedbackRoutes);
  await server.register(viewRoutes);
  await server.register(cannedRoutes);
  await server.register(realtimeRoutes);
  await server.register(webAppRoutes);
  await server.register(slaRoutes);
  await server.register(priorityRoutes);
  await server.register(ruleRoutes);
  await server.register(routingRoutes);
  await server.register(notificationRoutes);
  await server.register(incidentRoutes);
  await server.register(intakeRoutes);
  await server.register(webhookRoutes);
  await server.register(chatRoutes);
  await server.register(deliveryRoutes);

  server.get("/api/openapi.json", { schema: { hide: true } }, async () => server.swagger());
  server.get("/healthz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      await app.database.executeSql("select 1");
      return { status: "ok", database: app.database.kind };
    } catch {
      return sendProblem(reply, new DomainError("internal", "The database does not answer"));
    }
  });
  if (!metricsStarted) {
    collectDefaultMetrics({ prefix: "usher_" });
    metricsStarted = true;
  }
  server.get("/metrics", { schema: { hide: true } }, async (_request, reply) =>
    reply.type(register.contentType).send(await register.metrics()),
  );
  return server;
}
