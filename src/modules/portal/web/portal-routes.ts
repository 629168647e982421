import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Ctx } from "../../../platform/context";
import { DomainError, type FieldProblem } from "../../../platform/errors";
import { recordReaderEvent } from "../../kb/analytics";
import { PORTAL_SESSION_DAYS, redeemSignInLink, requestSignInLink, safeReturnTo, signOutPortal } from "../auth";
import { getCreativeRequest, transitionCreativeRequest } from "../creative";
import { getMyAttachment, getMyTicket, listMyConversation, listMyTickets, openRequest, replyToMyTicket, requestFormOf } from "../service";
import { onSite, sendPage } from "./helpcenter-routes";
import type { Site } from "./layout";
import {
  type FormValues,
  checkEmailPage,
  linkExpiredPage,
  newRequestPage,
  redeemPage,
  requestPage,
  requestsPage,
  signInPage,
} from "./portal-pages";
import { PORTAL_COOKIE, checkFormToken, clearPortalCookie, formBody, formToken, setPortalCookie } from "./site";

/**
 * The customer portal: sign in with a one-time link, see my requests and
 * reply, open a new one through the desk's form. Every write checks the
 * form's CSRF token; every read of a ticket goes through portal services
 * that allow "my own tickets" only.
 */
type Params = { desk: string; locale: string };
const JOURNEY = /^[A-Za-z0-9_-]{8,64}$/;
/** Errors a fan can fix on the form: shown beside the fields instead of as an error page. */
const FORM_ERRORS = new Set([
  "validation.failed",
  "ticket.custom_field_invalid",
  "ticket.invalid_reference",
  "message.attachment_invalid",
  "attachment.too_large",
  "attachment.type_not_allowed",
]);

const contactCtx = (site: Site): Ctx => site.app.ctx(site.workspace.id, { kind: "contact", contactId: site.contact!.id });
const limits = (site: Site) => ({ maxBytes: site.app.config.maxAttachmentBytes });

function formProblems(error: unknown): FieldProblem[] | undefined {
  if (!(error instanceof DomainError) || !FORM_ERRORS.has(error.code)) return undefined;
  if (error.errors.length) return error.errors;
  return [{ path: "attachments", message: error.message }];
}

/** Pages for signed-in contacts: anyone else is sent to sign in and brought back. */
function signedIn(site: Site, request: FastifyRequest, reply: FastifyReply): boolean {
  if (site.contact) return true;
  void reply.redirect(`${site.base}/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
  return false;
}

export async function portalRoutes(server: FastifyInstance) {
  const hide = { schema: { hide: true } };
  const usher = server.usher;
  const deps = {
    db: usher.database.db,
    clock: usher.clock,
    mailer: usher.mailer,
    publicUrl: usher.config.publicUrl,
    mailFrom: usher.config.mailFrom,
  };

  // ---------------------------------------------------------------- signing in

  server.get<{ Params: Params; Querystring: { returnTo?: string } }>(
    "/help/:desk/:locale/sign-in",
    hide,
    onSite(async (site, request, reply) => {
      if (site.contact) return reply.redirect(`${site.base}/requests`, 303);
      const returnTo = safeReturnTo(request.query.returnTo, site.desk.desk.key);
      return sendPage(reply, signInPage(site, { csrf: formToken(request, reply, site), returnTo }));
    }),
  );

  server.post<{ Params: Params }>(
    "/help/:desk/:locale/sign-in",
    {
      ...hide,
      config: {
        rateLimit: {
          max: usher.config.signInRateLimit,
          timeWindow: "15 minutes",
          keyGenerator: (r: FastifyRequest) => `portal-link:${r.ip}`,
          allowList: () => false,
        },
      },
    },
    onSite(async (site, request, reply) => {
      const form = formBody(request);
      checkFormToken(request, site, form.get("_csrf"));
      const email = (form.get("email") ?? "").trim();
      try {
        await requestSignInLink(deps, {
          workspaceId: site.workspace.id,
          deskId: site.desk.desk.id,
          deskKey: site.desk.desk.key,
          deskName: site.desk.desk.name,
          email,
          locale: site.locale,
          returnTo: form.get("returnTo"),
        });
      } catch (error) {
        const errors = formProblems(error);
        if (!errors) throw error;
        return sendPage(
          reply,
          signInPage(site, { csrf: formToken(request, reply, site), email, errors, returnTo: form.get("returnTo") }),
          422,
        );
      }
      return sendPage(reply, checkEmailPage(site, email));
    }),
  );

  server.get<{ Params: Params & { token: string } }>(
    "/help/:desk/:locale/sign-in/:token",
    hide,
    onSite(async (site, request, reply) =>
      sendPage(
        reply,
        // The double-submit token even when someone is signed in already: a link may sign in another address.
        redeemPage(site, { token: request.params.token.slice(0, 100), csrf: formToken(request, reply, { ...site, contact: undefined }) }),
      ),
    ),
  );

  server.post<{ Params: Params & { token: string } }>(
    "/help/:desk/:locale/sign-in/:token",
    { ...hide, config: { rateLimit: { max: 30, timeWindow: "15 minutes", allowList: () => false } } },
    onSite(async (site, request, reply) => {
      checkFormToken(request, { ...site, contact: undefined }, formBody(request).get("_csrf"));
      const session = await redeemSignInLink(deps, site.ctx, request.params.token);
      if (!session) return sendPage(reply, linkExpiredPage(site), 410);
      setPortalCookie(request, reply, session.sessionId, PORTAL_SESSION_DAYS);
      return reply.redirect(session.returnTo ?? `${site.base}/requests`, 303);
    }),
  );

  server.post<{ Params: Params }>(
    "/help/:desk/:locale/sign-out",
    hide,
    onSite(async (site, request, reply) => {
      if (site.contact) {
        checkFormToken(request, site, formBody(request).get("_csrf"));
        await signOutPortal(usher.database.db, request.cookies[PORTAL_COOKIE]!);
      }
      clearPortalCookie(reply);
      return reply.redirect(site.base, 303);
    }),
  );

  // ---------------------------------------------------------------- my requests

  server.get<{ Params: Params }>(
    "/help/:desk/:locale/requests",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      return sendPage(reply, requestsPage(site, await listMyTickets(contactCtx(site), site.desk.desk.id)));
    }),
  );

  server.get<{ Params: Params; Querystring: { journey?: string } }>(
    "/help/:desk/:locale/requests/new",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      let journeyId = request.query.journey;
      if (!journeyId || !JOURNEY.test(journeyId)) {
        // A new form is a new journey: what the fan reads from here on may answer it.
        journeyId = randomBytes(12).toString("base64url");
        await recordReaderEvent(site.ctx, {
          deskId: site.desk.desk.id,
          kind: "request_started",
          locale: site.locale,
          journeyId,
          visitorId: site.visitorId,
        });
      }
      const form = await requestFormOf(site.ctx, site.desk.desk);
      return sendPage(reply, newRequestPage(site, { form, values: {}, errors: [], journeyId }));
    }),
  );

  server.post<{ Params: Params }>(
    "/help/:desk/:locale/requests",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      const form = formBody(request);
      checkFormToken(request, site, form.get("_csrf"));
      const fields: Record<string, string | string[]> = {};
      const creative: Record<string, string> = {};
      for (const [name, value] of form.entries()) {
        if (name.startsWith("cf.")) {
          const key = name.slice(3);
          const previous = fields[key];
          fields[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
        } else if (name.startsWith("creative.")) creative[name.slice(9)] = value;
      }
      const journey = form.get("journey");
      const values: FormValues = {
        subject: form.get("subject") ?? "",
        text: form.get("text") ?? "",
        categoryId: form.get("categoryId") ?? "",
        fields,
        creative,
      };
      const requestForm = await requestFormOf(site.ctx, site.desk.desk);
      try {
        const ticket = await openRequest(
          contactCtx(site),
          site.desk.desk,
          {
            subject: values.subject!,
            text: values.text!,
            categoryId: values.categoryId || null,
            fields,
            creative: requestForm.creative ? creative : undefined,
            files: form.files.filter((f) => f.field === "attachments"),
            locale: site.locale,
            journeyId: journey && JOURNEY.test(journey) ? journey : null,
            visitorId: site.visitorId,
          },
          limits(site),
        );
        return reply.redirect(`${site.base}/requests/${ticket.number}`, 303);
      } catch (error) {
        const errors = formProblems(error);
        if (!errors) throw error;
        const journeyId = journey && JOURNEY.test(journey) ? journey : randomBytes(12).toString("base64url");
        return sendPage(reply, newRequestPage(site, { form: requestForm, values, errors, journeyId }), 422);
      }
    }),
  );

  server.get<{ Params: Params & { number: string } }>(
    "/help/:desk/:locale/requests/:number",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      const ctx = contactCtx(site);
      const ticket = await getMyTicket(ctx, site.desk.desk.id, Number(request.params.number) || 0);
      const [messages, creative] = await Promise.all([listMyConversation(ctx, ticket), getCreativeRequest(ctx, ticket.id)]);
      return sendPage(reply, requestPage(site, { ticket, messages, creative }));
    }),
  );

  server.post<{ Params: Params & { number: string } }>(
    "/help/:desk/:locale/requests/:number/replies",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      const form = formBody(request);
      checkFormToken(request, site, form.get("_csrf"));
      const ctx = contactCtx(site);
      const number = Number(request.params.number) || 0;
      const text = form.get("text") ?? "";
      try {
        await replyToMyTicket(
          ctx,
          site.desk.desk.id,
          number,
          { text, files: form.files.filter((f) => f.field === "attachments") },
          limits(site),
        );
      } catch (error) {
        const errors = formProblems(error);
        if (!errors) throw error;
        const ticket = await getMyTicket(ctx, site.desk.desk.id, number);
        const [messages, creative] = await Promise.all([listMyConversation(ctx, ticket), getCreativeRequest(ctx, ticket.id)]);
        return sendPage(reply, requestPage(site, { ticket, messages, creative, errors, text }), 422);
      }
      if (form.get("resubmit") === "1") {
        const ticket = await getMyTicket(ctx, site.desk.desk.id, number);
        const creative = await getCreativeRequest(ctx, ticket.id);
        if (creative?.state === "changes_requested") await transitionCreativeRequest(ctx, ticket.id, "submitted");
      }
      return reply.redirect(`${site.base}/requests/${number}#reply`, 303);
    }),
  );

  server.get<{ Params: Params & { number: string; id: string } }>(
    "/help/:desk/:locale/requests/:number/attachments/:id",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      if (!/^[0-9a-f-]{36}$/.test(request.params.id)) return reply.status(404).send();
      const file = await getMyAttachment(contactCtx(site), site.desk.desk.id, Number(request.params.number) || 0, request.params.id);
      return reply
        .type(file.contentType)
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox; default-src 'none'")
        .header("cache-control", "private, no-store")
        .send(file.content);
    }),
  );
}
