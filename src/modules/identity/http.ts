import type {} from "@fastify/cookie";
import type {} from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app";
import type { Ctx } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { type Authenticated, authenticateSession, authenticateToken, isTokenLike } from "./auth";

declare module "fastify" {
  interface FastifyInstance {
    usher: App;
  }
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

export const SESSION_COOKIE = "usher_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Who is calling: an API token (Authorization: Bearer) or a session cookie.
 * Cookie-authenticated writes must echo the session's CSRF token in a
 * header, which a cross-site form cannot do.
 */
export function installAuthentication(app: FastifyInstance): void {
  app.decorateRequest("auth", null);
  app.addHook("onRequest", async (request) => {
    // Signing in needs no credentials, and must work over a session that is still open.
    if (!request.url.startsWith("/api/") || request.url.startsWith("/api/v1/auth/sign-in")) return;
    const deps = { db: app.usher.database.db, clock: app.usher.clock, sessionDays: app.usher.config.sessionDays };
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(" ", 2);
      if (scheme?.toLowerCase() !== "bearer" || !token || !isTokenLike(token)) {
        throw new DomainError("auth.unauthenticated", "The Authorization header must be `Bearer usher_pat_…`");
      }
      const auth = await authenticateToken(deps, token);
      if (!auth) throw new DomainError("auth.unauthenticated", "This API token is unknown, expired or revoked");
      request.auth = auth;
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return;
    const auth = await authenticateSession(deps, sessionId);
    if (!auth) return; // an expired cookie is the same as none
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== auth.csrfToken) {
      throw new DomainError("auth.csrf_failed", `Send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
    request.auth = auth;
  });
}

/** The service context for an authenticated request; 401 otherwise. */
export function ctxOf(request: FastifyRequest): Ctx {
  const auth = request.auth;
  if (!auth) throw new DomainError("auth.unauthenticated", "Sign in or send an API token");
  return request.server.usher.ctx(auth.workspaceId, auth.actor);
}

export function setSessionCookie(reply: FastifyReply, sessionId: string, app: App): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: app.config.publicUrl.startsWith("https://"),
    maxAge: app.config.sessionDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
}

/** Rate-limit key: the credential when there is one, else the address. */
export function rateLimitKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header) return `t:${header.slice(-16)}`;
  const session = request.cookies?.[SESSION_COOKIE];
  if (session) return `s:${session.slice(-16)}`;
  return `ip:${request.ip}`;
}
