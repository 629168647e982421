import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Ctx } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { type Html, html } from "../kb/html";
import { onSite, sendPage } from "../portal/web/helpcenter-routes";
import { type Site, page } from "../portal/web/layout";
import { checkFormToken, formBody, formToken } from "../portal/web/site";
import { commerceDeps } from "./deps";
import { formatWhen } from "./pdf";
import { formatMoney } from "./policy-engine";
import { type MyOrder, type SelfServiceAction, myOrders, selfServe } from "./self-service";

/**
 * "My orders" in the customer portal: the fan's orders with what the policy
 * allows right now — refund, exchange to another date, send the tickets
 * again — as plain forms that work without JavaScript. Each action runs the
 * same workflow an agent would, through self-service.ts.
 */
type Params = { desk: string; locale: string };
const ct = (site: Pick<Site, "locale">, key: string, params: Record<string, unknown> = {}) =>
  t(site.locale, `commerce:portal.${key}`, params);
const contactCtx = (site: Site): Ctx => site.app.ctx(site.workspace.id, { kind: "contact", contactId: site.contact!.id });
/** Outcomes a fan can act on, shown on the page rather than as an error page. */
const SHOWN = new Set([
  "refund.not_eligible",
  "refund.already_refunded",
  "refund.admission_scanned",
  "exchange.not_eligible",
  "exchange.unavailable",
  "admission.invalid_state",
  "payment.gateway_failed",
]);

function signedIn(site: Site, request: FastifyRequest, reply: FastifyReply): boolean {
  if (site.contact) return true;
  void reply.redirect(`${site.base}/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
  return false;
}

export function ordersPage(
  site: Site,
  data: { orders: MyOrder[]; csrf: string; notice?: { kind: "done" | "pending" | "error"; text: string } },
): Html {
  const money = (n: number, c: string) => formatMoney(n, c, site.locale);
  return page(site, {
    title: ct(site, "orders"),
    description: ct(site, "orders"),
    noindex: true,
    main: html`<h1>${ct(site, "orders")}</h1>
      ${data.notice ? html`<div class="${data.notice.kind === "error" ? "error-summary" : "notice"}" role="status" id="notice"><p style="margin:0">${data.notice.text}</p></div>` : null}
      ${data.orders.length === 0 ? html`<p>${ct(site, "noOrders")}</p>` : null}
      ${data.orders.map(
        (o) =>
          html`<section
            class="order"
            aria-labelledby="order-${o.order.id}"
            style="margin:1.5rem 0;padding:1rem;border:1px solid var(--line);border-radius:var(--radius)"
          >
            <h2 id="order-${o.order.id}" style="margin-top:0">${ct(site, "order", { number: o.order.number })} · ${o.event.name}</h2>
            <p>
              ${formatWhen(o.event.startsAt, o.event.timezone, site.locale)}${o.venueName ? html` · ${o.venueName}` : null} ·
              ${money(o.order.total, o.order.currency)}
            </p>
            <ul>
              ${o.admissions.map(
                (a) => html`<li>${[a.section, a.row, a.seat].filter(Boolean).join(" · ") || "—"} — ${ct(site, `state.${a.state}`)}</li>`,
              )}
            </ul>
            <ul class="reasons">
              ${o.refund.reasons.map((r) => html`<li>${r.text}</li>`)}
            </ul>
            <div class="actions" style="display:flex;gap:.5rem;flex-wrap:wrap">
              ${
                o.refund.options.includes("refund") && o.refund.eligible
                  ? html`<form method="post" action="${site.base}/orders/${o.order.id}/refund">
                      <input type="hidden" name="_csrf" value="${data.csrf}" />
                      <button class="brand" type="submit">
                        ${ct(site, "refundFor", { amount: money(o.refund.amount, o.order.currency) })}
                      </button>
                    </form>`
                  : null
              }
              ${
                o.exchange.eligible && o.exchangeTo.length
                  ? html`<form method="post" action="${site.base}/orders/${o.order.id}/exchange">
                      <input type="hidden" name="_csrf" value="${data.csrf}" />
                      <label for="to-${o.order.id}">${ct(site, "exchangeTo")}</label>
                      <select id="to-${o.order.id}" name="toEventId">
                        ${o.exchangeTo.map((e) => html`<option value="${e.id}">${e.name} — ${formatWhen(e.startsAt, e.timezone, site.locale)}</option>`)}
                      </select>
                      <button class="quiet" type="submit">${ct(site, "exchange")}</button>
                    </form>`
                  : null
              }
              ${
                o.admissions.some((a) => a.state === "valid") && o.event.state !== "cancelled"
                  ? html`<form method="post" action="${site.base}/orders/${o.order.id}/reissue">
                      <input type="hidden" name="_csrf" value="${data.csrf}" />
                      <button class="quiet" type="submit">${ct(site, "reissue")}</button>
                    </form>`
                  : null
              }
            </div>
          </section>`,
      )}`,
  });
}

export async function commercePortalRoutes(server: FastifyInstance) {
  const hide = { schema: { hide: true } };

  server.get<{ Params: Params }>(
    "/help/:desk/:locale/orders",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      return sendPage(
        reply,
        ordersPage(site, { orders: await myOrders(contactCtx(site), site.locale), csrf: formToken(request, reply, site) }),
      );
    }),
  );

  server.post<{ Params: Params & { id: string; action: string } }>(
    "/help/:desk/:locale/orders/:id/:action",
    hide,
    onSite(async (site, request, reply) => {
      if (!signedIn(site, request, reply)) return reply;
      const form = formBody(request);
      checkFormToken(request, site, form.get("_csrf"));
      const { id, action: verb } = request.params;
      if (!/^[0-9a-f-]{36}$/.test(id) || !["refund", "reissue", "exchange"].includes(verb)) return reply.status(404).send();
      const toEventId = form.get("toEventId") ?? "";
      if (verb === "exchange" && !/^[0-9a-f-]{36}$/.test(toEventId)) throw new DomainError("validation.failed", "Choose a date");
      const action: SelfServiceAction = verb === "exchange" ? { kind: "exchange", toEventId } : { kind: verb as "refund" | "reissue" };
      const ctx = contactCtx(site);
      let notice: { kind: "done" | "pending" | "error"; text: string };
      try {
        const { outcome } = await selfServe(ctx, commerceDeps(site.app.config), site.desk.desk.id, id, action, site.locale);
        notice =
          outcome.request.state === "completed" ? { kind: "done", text: ct(site, "done") } : { kind: "pending", text: ct(site, "pending") };
      } catch (error) {
        if (!(error instanceof DomainError) || !SHOWN.has(error.code)) throw error;
        const reasons = (error.details.reasons as { text: string }[] | undefined)?.map((r) => r.text).join(" ");
        notice = { kind: "error", text: reasons || ct(site, "notAllowed") };
      }
      const orders = await myOrders(ctx, site.locale);
      return sendPage(
        reply,
        ordersPage(site, { orders, csrf: formToken(request, reply, site), notice }),
        notice.kind === "error" ? 422 : 200,
      );
    }),
  );
}
