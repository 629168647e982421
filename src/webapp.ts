import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Where `web/build.ts` writes the agent workspace (React + Vite). */
export const WEB_DIST = join(import.meta.dirname, "..", "web", "dist");

/** Client-side routes of the agent workspace: each serves the app's index.html. */
const CLIENT_ROUTES = ["/", "/sign-in", "/inbox", "/inbox/*", "/views/*", "/tickets/*", "/incidents", "/incidents/*", "/admin", "/admin/*"];

const CSP_BASE = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets CSS variables in a style element.
  "style-src 'self' 'unsafe-inline'",
  // Images in mail HTML load only from Usher (attachments), never from trackers.
  "img-src 'self' data: blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

/** The page talks to its own origin only, over HTTP and the real-time WebSocket. */
const cspFor = (host: string | undefined) => {
  const safeHost = host && /^[a-z0-9.:[\]-]+$/i.test(host) ? host : null;
  return [...CSP_BASE, `connect-src 'self'${safeHost ? ` ws://${safeHost} wss://${safeHost}` : ""}`].join("; ");
};

/**
 * The agent workspace: the built single-page app at `/`, its hashed assets
 * cached for a year, and index.html for its client routes. /api, /help and
 * /portal keep their own routes and their own not-found answers.
 */
export async function webAppRoutes(server: FastifyInstance, options: { root?: string } = {}): Promise<void> {
  const root = options.root ?? WEB_DIST;
  if (!existsSync(join(root, "index.html"))) {
    server.log.warn({ root }, "the agent workspace is not built: run `npm run build:web`");
    server.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).type("text/plain; charset=utf-8").send("The agent workspace is not built yet: run `npm run build:web`."),
    );
    return;
  }
  await server.register(fastifyStatic, {
    root,
    prefix: "/",
    wildcard: false,
    index: false,
    decorateReply: true,
    setHeaders: (res, path) => {
      res.header("x-content-type-options", "nosniff");
      if (path.includes(`${join(root, "assets")}`)) res.header("cache-control", "public, max-age=31536000, immutable");
    },
  });
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .header("cache-control", "no-cache")
      .header("content-security-policy", cspFor(request.headers.host))
      .header("x-frame-options", "DENY")
      .header("referrer-policy", "same-origin")
      .sendFile("index.html", root, { cacheControl: false });
  for (const url of CLIENT_ROUTES) server.get(url, { schema: { hide: true } }, async (request, reply) => sendIndex(request, reply));
}
