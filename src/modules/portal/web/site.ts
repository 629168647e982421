import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { systemActor } from "../../../platform/context";
import { DomainError } from "../../../platform/errors";
import { localeFromHeader } from "../../../platform/i18n";
import { getContactRow } from "../../contacts/service";
import { withActor } from "../../../platform/context";
import { getPublicDesk, listPublicDesks, resolvePublicWorkspace } from "../../kb/public";
import { authenticatePortalSession } from "../auth";
import type { Site } from "./layout";

/**
 * Request plumbing shared by the help center and the portal: which
 * workspace and desk a URL means, the anonymous visitor cookie, the
 * contact's session, CSRF tokens, and form bodies (urlencoded and
 * multipart, parsed by the platform's own Request.formData()).
 */
export const VISITOR_COOKIE = "usher_visitor";
export const PORTAL_COOKIE = "usher_portal";
/** Double-submit token for forms shown before a session exists (sign-in). */
export const FORM_COOKIE = "usher_form";

const secure = (request: FastifyRequest) => request.server.usher.config.publicUrl.startsWith("https://");

export async function workspaceFor(request: FastifyRequest) {
  const usher = request.server.usher;
  return resolvePublicWorkspace(usher.database.db, request.hostname, usher.config.helpCenterWorkspace);
}

/** A random, meaningless id for counting readers; no personal data. */
function visitorOf(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[VISITOR_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
  const id = randomBytes(16).toString("base64url");
  reply.setCookie(VISITOR_COOKIE, id, { path: "/help", httpOnly: true, sameSite: "lax", secure: secure(request), maxAge: 365 * 86_400 });
  return id;
}

export class PublicNotFound extends Error {}

/** The site a /help/<desk>/<locale>/… URL is on; undefined when there is none (a 404). */
export async function resolveSite(
  request: FastifyRequest,
  reply: FastifyReply,
  deskKey: string,
  locale: string,
): Promise<Site | undefined> {
  const usher = request.server.usher;
  const workspace = await workspaceFor(request);
  if (!workspace) return undefined;
  const ctx = usher.ctx(workspace.id, systemActor("helpcenter"));
  const desk = await getPublicDesk(ctx, deskKey);
  if (!desk || !desk.helpCenter.locales.includes(locale)) return undefined;
  const site: Site = {
    app: usher,
    ctx,
    workspace,
    desk,
    locale,
    base: `/help/${encodeURIComponent(desk.desk.key)}/${locale}`,
    visitorId: visitorOf(request, reply),
  };
  const sessionId = request.cookies[PORTAL_COOKIE];
  if (sessionId) {
    const identity = await authenticatePortalSession({ db: usher.database.db, clock: usher.clock }, sessionId);
    if (identity && identity.workspaceId === workspace.id) {
      const contact = await getContactRow(withActor(ctx, systemActor("portal")), identity.contactId).catch(() => undefined);
      if (contact) site.contact = { id: contact.mergedIntoId ?? contact.id, name: contact.name, csrfToken: identity.csrfToken };
    }
  }
  return site;
}

/** The locale to send a visitor to: their browser's, if the help center has it. */
export function preferredLocale(request: FastifyRequest, locales: string[]): string {
  const wanted = localeFromHeader(request.headers["accept-language"]);
  return locales.includes(wanted) ? wanted : locales[0]!;
}

export async function publicDesksFor(request: FastifyRequest) {
  const workspace = await workspaceFor(request);
  if (!workspace) return undefined;
  const ctx = request.server.usher.ctx(workspace.id, systemActor("helpcenter"));
  return { workspace, ctx, desks: await listPublicDesks(ctx) };
}

export function setPortalCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string, days: number) {
  reply.setCookie(PORTAL_COOKIE, sessionId, {
    path: "/help",
    httpOnly: true,
    sameSite: "lax",
    secure: secure(request),
    maxAge: days * 86_400,
  });
}

export function clearPortalCookie(reply: FastifyReply) {
  reply.clearCookie(PORTAL_COOKIE, { path: "/help" });
}

/** The token a form must carry: the session's when signed in, else a double-submit cookie's. */
export function formToken(request: FastifyRequest, reply: FastifyReply, site: Site): string {
  if (site.contact) return site.contact.csrfToken;
  const existing = request.cookies[FORM_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
  const token = randomBytes(18).toString("base64url");
  reply.setCookie(FORM_COOKIE, token, { path: "/help", httpOnly: true, sameSite: "strict", secure: secure(request) });
  return token;
}

export function checkFormToken(request: FastifyRequest, site: Site, submitted: string | undefined): void {
  const expected = site.contact ? site.contact.csrfToken : request.cookies[FORM_COOKIE];
  const ok =
    Boolean(expected && submitted) &&
    expected!.length === submitted!.length &&
    timingSafeEqual(Buffer.from(expected!), Buffer.from(submitted!));
  if (!ok) throw new DomainError("auth.csrf_failed", "This form has expired; reload the page and try again");
}

// ------------------------------------------------------------------ forms

export interface FormFile {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface Form {
  get(name: string): string | undefined;
  all(name: string): string[];
  entries(): [string, string][];
  files: FormFile[];
}

function formOf(pairs: [string, string][], files: FormFile[]): Form {
  return {
    get: (name) => pairs.find(([k]) => k === name)?.[1],
    all: (name) => pairs.filter(([k]) => k === name).map(([, v]) => v),
    entries: () => pairs,
    files,
  };
}

export function formBody(request: FastifyRequest): Form {
  const body = request.body as Form | undefined;
  if (!body || typeof body.get !== "function") throw new DomainError("request.unsupported_media_type", "Send the form as a form");
  return body;
}

/** Form parsers for the public pages only (the API stays JSON). */
export function installFormParsers(server: FastifyInstance, maxMultipartBytes: number) {
  server.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 256 * 1024 }, (_request, body, done) => {
    done(null, formOf([...new URLSearchParams(body as string).entries()], []));
  });
  server.addContentTypeParser("multipart/form-data", { parseAs: "buffer", bodyLimit: maxMultipartBytes }, (request, body, done) => {
    const contentType = request.headers["content-type"] ?? "";
    new Response(new Uint8Array(body as Buffer), { headers: { "content-type": contentType } })
      .formData()
      .then(async (data) => {
        const pairs: [string, string][] = [];
        const files: FormFile[] = [];
        for (const [name, value] of data.entries()) {
          if (typeof value === "string") pairs.push([name, value]);
          else if (value.size > 0 || value.name) {
            if (value.size === 0) continue; // an empty file input
            files.push({
              field: name,
              filename: value.name || "attachment",
              contentType: value.type || "application/octet-stream",
              content: Buffer.from(await value.arrayBuffer()),
            });
          }
        }
        done(null, formOf(pairs, files));
      })
      .catch(() => done(new DomainError("validation.failed", "The form could not be read (broken multipart body)") as never, undefined));
  });
}
