import type { FastifyError, FastifyInstance } from "fastify";
import { DomainError, statusOf } from "../../../platform/errors";
import { escapeHtml } from "../../kb/html";
import { MAX_FILES } from "../service";
import { helpCenterRoutes } from "./helpcenter-routes";
import { portalRoutes } from "./portal-routes";
import { commercePortalRoutes } from "../../commerce/portal-web";
import { feedbackWebRoutes } from "../../feedback/web";
import { installFormParsers } from "./site";

/**
 * What the public sees, in one encapsulated plugin: the help center and the
 * customer portal share form parsing and an error page that is HTML, not
 * problem+json (the API keeps its own error handler).
 */
export async function publicWebRoutes(server: FastifyInstance) {
  installFormParsers(server, server.usher.config.maxAttachmentBytes * MAX_FILES + 1024 * 1024);
  server.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error instanceof DomainError
        ? error.status
        : error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? statusOf("request.too_large")
          : error.statusCode && error.statusCode < 500
            ? error.statusCode
            : 500;
    if (status >= 500) request.log.error({ err: error }, "public page failed");
    const message = status >= 500 ? "Something went wrong on our side; it has been logged." : error.message;
    if ((request.headers.accept ?? "").includes("application/json") && !(request.headers.accept ?? "").includes("text/html")) {
      return reply.status(status).send({ status, detail: message });
    }
    return reply
      .status(status)
      .type("text/html; charset=utf-8")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title></head>` +
          `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/help">Help</a></p></body></html>`,
      );
  });
  await helpCenterRoutes(server);
  await portalRoutes(server);
  await commercePortalRoutes(server);
  await feedbackWebRoutes(server);
}
