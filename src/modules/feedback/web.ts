import type { FastifyInstance, FastifyReply } from "fastify";
import { DomainError } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { type Html, html } from "../kb/html";
import { onSite, sendPage } from "../portal/web/helpcenter-routes";
import { type Site, page } from "../portal/web/layout";
import { checkFormToken, formBody, formToken } from "../portal/web/site";
import { readTicket } from "../tickets/service";
import { rateByToken, surveyByToken } from "./rating";
import { type SatisfactionSurveyRow, satisfactionReasons } from "./schema";

/**
 * The fan's rating page, reached from the link in the survey message:
 * good or bad, a reason and a comment, as one plain form that works without
 * JavaScript. The token in the URL is the credential; the form also carries
 * the double-submit token every public form does.
 */
type Params = { desk: string; locale: string; token: string };
const ft = (site: Pick<Site, "locale">, key: string, params: Record<string, unknown> = {}) => t(site.locale, `feedback:page.${key}`, params);

interface FormState {
  rating?: string | null;
  reason?: string | null;
  comment?: string | null;
}

function ratingPage(
  site: Site,
  data: { survey: SatisfactionSurveyRow; token: string; number: number; subject: string; csrf: string; values: FormState; notice?: "thanks" | "choose" },
): Html {
  const { survey, values } = data;
  const until = new Intl.DateTimeFormat(site.locale, { dateStyle: "long", timeZone: "UTC" }).format(survey.expiresAt!);
  const radio = (value: "good" | "bad") =>
    html`<label class="check" for="rating-${value}" style="display:block;margin:.5rem 0;min-height:44px;padding:.6rem .75rem;border:1px solid var(--line);border-radius:var(--radius)"
      ><input type="radio" id="rating-${value}" name="rating" value="${value}" ${values.rating === value ? html` checked` : null} required />
      ${ft(site, value)}</label
    >`;
  return page(site, {
    title: ft(site, "title"),
    description: ft(site, "title"),
    noindex: true,
    main: html`<div style="max-width:36rem">
      <h1>${ft(site, "title")}</h1>
      <p>${ft(site, "intro", { number: data.number, subject: data.subject })}</p>
      ${data.notice === "thanks" ? html`<div class="notice" role="status" id="notice"><p style="margin:0">${ft(site, "thanks")}</p></div>` : null}
      ${data.notice === "choose" ? html`<div class="error-summary" role="alert" id="notice"><p style="margin:0">${ft(site, "chooseRating")}</p></div>` : null}
      ${survey.rating ? html`<p id="current">${ft(site, "current", { rating: survey.rating, until })}</p>` : null}
      <form method="post" action="${site.base}/satisfaction/${encodeURIComponent(data.token)}" novalidate>
        <input type="hidden" name="_csrf" value="${data.csrf}" />
        <fieldset style="border:0;padding:0;margin:1rem 0">
          <legend style="font-weight:600">${ft(site, "question")}</legend>
          ${radio("good")} ${radio("bad")}
        </fieldset>
        <label for="reason">${ft(site, "reason")}</label>
        <select id="reason" name="reason">
          <option value="">${ft(site, "reasonNone")}</option>
          ${satisfactionReasons.map((r) => html`<option value="${r}" ${values.reason === r ? html` selected` : null}>${ft(site, `reasons.${r}`)}</option>`)}
        </select>
        <label for="comment">${ft(site, "comment")}</label>
        <textarea id="comment" name="comment" maxlength="2000">${values.comment ?? ""}</textarea>
        <div class="actions"><button class="brand" type="submit">${ft(site, "submit")}</button></div>
      </form>
    </div>`,
  });
}

function closedPage(site: Site, which: "invalid" | "expired"): Html {
  return page(site, {
    title: ft(site, `${which}Title`),
    description: ft(site, `${which}Title`),
    noindex: true,
    main: html`<div style="max-width:32rem">
      <h1>${ft(site, `${which}Title`)}</h1>
      <p>${ft(site, which)}</p>
      <a class="button brand" href="${site.base}">${site.desk.desk.name}</a>
    </div>`,
  });
}

/** A bad or expired link is a page the fan can read, with the status a client can act on (404, 410). */
async function withSurvey(site: Site, token: string, reply: FastifyReply, then: (survey: SatisfactionSurveyRow) => Promise<unknown>) {
  try {
    return await then(await surveyByToken(site.ctx, site.desk.desk.id, token));
  } catch (error) {
    if (error instanceof DomainError && error.code === "satisfaction.link_invalid") return sendPage(reply, closedPage(site, "invalid"), error.status);
    if (error instanceof DomainError && error.code === "satisfaction.expired") return sendPage(reply, closedPage(site, "expired"), error.status);
    throw error;
  }
}

export async function feedbackWebRoutes(server: FastifyInstance) {
  const hide = { schema: { hide: true } };
  // Link checkers in mail clients open links: reading the page never records a rating.
  server.get<{ Params: Params; Querystring: { rating?: string } }>(
    "/help/:desk/:locale/satisfaction/:token",
    hide,
    onSite(async (site, request, reply) =>
      withSurvey(site, request.params.token, reply, async (survey) => {
        const ticket = await readTicket(site.ctx, survey.ticketId);
        const asked = request.query.rating === "good" || request.query.rating === "bad" ? request.query.rating : undefined;
        return sendPage(
          reply,
          ratingPage(site, {
            survey,
            token: request.params.token,
            number: ticket!.number,
            subject: ticket!.subject,
            csrf: formToken(request, reply, site),
            values: { rating: asked ?? survey.rating, reason: survey.reason, comment: survey.comment },
          }),
        );
      }),
    ),
  );

  server.post<{ Params: Params }>(
    "/help/:desk/:locale/satisfaction/:token",
    hide,
    onSite(async (site, request, reply) =>
      withSurvey(site, request.params.token, reply, async (survey) => {
        const form = formBody(request);
        checkFormToken(request, site, form.get("_csrf"));
        const values = { rating: form.get("rating") ?? null, reason: form.get("reason") || null, comment: form.get("comment") ?? null };
        const ticket = await readTicket(site.ctx, survey.ticketId);
        const show = (s: SatisfactionSurveyRow, shown: FormState, notice: "thanks" | "choose", status: number) =>
          sendPage(
            reply,
            ratingPage(site, {
              survey: s,
              token: request.params.token,
              number: ticket!.number,
              subject: ticket!.subject,
              csrf: formToken(request, reply, site),
              values: shown,
              notice,
            }),
            status,
          );
        if (values.rating !== "good" && values.rating !== "bad") return show(survey, values, "choose", 422);
        const rated = await rateByToken(site.ctx, site.desk.desk.id, request.params.token, { ...values, rating: values.rating });
        return show(rated, rated, "thanks", 200);
      }),
    ),
  );
}
