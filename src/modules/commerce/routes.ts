import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type Ctx, systemActor } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { idParams, problemResponses } from "../../platform/http";
import { languageSchema, listOf, timezoneSchema } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { customerOfTicket, findOrders } from "./customer360";
import { commerceDeps } from "./deps";
import { chargebackRate, disputeEvidence, getDispute, openDispute, setDisputeState } from "./disputes";
import { findWorkspaceBySlug, getWorkspace } from "../workspaces/service";
import { SIGNATURE_HEADER, createWebhookSecret, verifyWebhookSignature } from "./webhook-signing";
import { ingest, ingestAdvertisers, ingestSubscriptions, listAdvertiserAccounts } from "./ingest";
import {
  changeEventState,
  createEvent,
  decisionsFor,
  getOrder,
  getWorkspacePolicy,
  listEvents,
  readWorkspacePolicy,
  setEventPolicy,
  setWorkspacePolicy,
} from "./orders";
import { refundPolicySchema } from "./policy-engine";
import {
  advertiserSchema,
  chargebackRateSchema,
  customerSchema,
  decisionSchema,
  disputeSchema,
  eventSchema,
  orderSchema,
  outcomeSchema,
  presentAdvertiser,
  presentCustomer,
  presentDispute,
  presentEvent,
  presentOrder,
  presentOutcome,
  presentRequest,
  presentSubscriptionOutcome,
  requestSchema,
  subscriptionOutcomeSchema,
} from "./presenter";
import { admissionStates, disputeStates, eventStates, orderStates, subscriptionStatuses } from "./schema";
import { selfServiceRate } from "./stats";
import { changeSubscription } from "./subscriptions";
import { exchangeAdmissions } from "./exchange";
import { decideRequest, listPendingRequests, requestRefund, transferAdmission, reissueTickets } from "./workflows";

// ------------------------------------------------------------------ request shapes

const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const amount = z.number().int().min(0).max(1_000_000_000_00);
const currency = z.string().regex(/^[A-Za-z]{3}$/, "an ISO 4217 currency code");
const ext = z.string().min(1).max(200);
const text = (max = 500) => z.string().max(max);

const venueBody = z
  .object({
    externalId: ext,
    name: text(300),
    city: text(200).nullish(),
    country: z.string().length(2).nullish(),
    timezone: timezoneSchema,
  })
  .strict();
/** Price per place by section ("*": any section), minor units. */
const pricingBody = z.record(z.string().min(1).max(100), z.object({ price: z.number().int().min(0) }).strict());
const eventBody = z
  .object({
    externalId: ext,
    name: text(300),
    startsAt: when,
    timezone: timezoneSchema,
    state: z.enum(eventStates).optional(),
    capacity: z.number().int().min(0).nullish(),
    pricing: pricingBody.nullish(),
    venue: venueBody.nullish(),
  })
  .strict();
const scanBody = z
  .object({
    externalId: ext.nullish(),
    scannedAt: when,
    gate: text(100).nullish(),
    device: text(100).nullish(),
    result: z.enum(["accepted", "rejected", "duplicate"]).optional(),
  })
  .strict();
const admissionBody = z
  .object({
    externalId: ext,
    section: text(100).nullish(),
    row: text(50).nullish(),
    seat: text(50).nullish(),
    barcode: z.string().min(4).max(200),
    price: amount,
    fees: amount.optional(),
    state: z.enum(admissionStates).optional(),
    scans: z.array(scanBody).max(100).optional(),
  })
  .strict();
// last4 is checked by the service, which refuses a card number with its own code rather than a generic format error.
const paymentBody = z
  .object({
    method: text(50),
    brand: text(50).nullish(),
    last4: text(40).nullish(),
    amount,
    currency,
    gateway: text(50).optional(),
    chargeId: text(200).nullish(),
  })
  .strict();
const orderBody = z
  .object({
    externalId: ext,
    number: text(100).optional(),
    eventExternalId: ext,
    buyer: z.object({ name: text(200).nullish(), email: text(320).nullish(), phone: text(40).nullish() }).strict(),
    currency,
    subtotal: amount,
    fees: amount.optional(),
    total: amount.optional(),
    state: z.enum(orderStates).optional(),
    purchasedAt: when,
    purchaseIp: z.union([z.ipv4(), z.ipv6()]).nullish(),
    purchaseLocation: text(200).nullish(),
    admissions: z.array(admissionBody).max(500).optional(),
    payments: z.array(paymentBody).max(20).optional(),
  })
  .strict();
const attendeeBody = admissionBody.extend({ orderExternalId: ext, eventExternalId: ext }).strict();
const subscriptionBody = z
  .object({
    externalId: ext,
    email: text(320).nullish(),
    plan: text(200),
    status: z.enum(subscriptionStatuses).optional(),
    price: amount,
    currency,
    interval: z.enum(["month", "year"]).optional(),
    startedAt: when,
    renewsAt: when.nullish(),
    cancelledAt: when.nullish(),
    gateway: text(50).optional(),
    billing: z
      .array(
        z
          .object({
            externalId: ext.nullish(),
            kind: z.enum(["charge", "refund", "credit"]),
            amount,
            status: text(50),
            description: text(500),
            gatewayId: text(200).nullish(),
            occurredAt: when,
          })
          .strict(),
      )
      .max(500)
      .optional(),
  })
  .strict();
const advertiserBody = z
  .object({
    externalId: ext,
    name: text(300),
    currency,
    domain: text(253).nullish(),
    campaigns: z
      .array(
        z
          .object({
            externalId: ext,
            name: text(300),
            state: text(50).optional(),
            budget: amount.optional(),
            spent: amount.optional(),
            startsOn: z.iso.date().nullish(),
            endsOn: z.iso.date().nullish(),
          })
          .strict(),
      )
      .max(500)
      .optional(),
  })
  .strict();

const sourceSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "lower-case letters, digits, _ and -");
const ingestBody = z
  .object({
    source: sourceSchema,
    venues: z.array(venueBody).max(5000).optional(),
    events: z.array(eventBody).max(5000).optional(),
    orders: z.array(orderBody).max(5000).optional(),
    attendees: z.array(attendeeBody).max(20000).optional(),
    subscriptions: z.array(subscriptionBody).max(5000).optional(),
    advertisers: z.array(advertiserBody).max(1000).optional(),
  })
  .strict();

/** A platform's webhook: one change per delivery, in an envelope; delivered twice, applied once (the upsert). */
const webhookBody = z.discriminatedUnion("type", [
  z.object({ id: ext, type: z.literal("event.updated"), data: eventBody }).strict(),
  z.object({ id: ext, type: z.literal("order.updated"), data: orderBody }).strict(),
  z.object({ id: ext, type: z.literal("attendee.updated"), data: attendeeBody }).strict(),
  z.object({ id: ext, type: z.literal("subscription.updated"), data: subscriptionBody }).strict(),
]);

const ingestResult = z.object({
  venues: z.number().int(),
  events: z.number().int(),
  orders: z.number().int(),
  admissions: z.number().int(),
  payments: z.number().int(),
  scans: z.number().int(),
  matchedContacts: z.number().int(),
  subscriptions: z.number().int(),
  advertisers: z.number().int(),
});

const period = z.object({ from: when, to: when }).strict();
const ticketIdParams = z.object({ id: z.union([z.uuid(), z.string().regex(/^\d{1,9}$/, "a ticket id or number")]) }).strict();

const emptyResult = (): z.infer<typeof ingestResult> => ({
  venues: 0,
  events: 0,
  orders: 0,
  admissions: 0,
  payments: 0,
  scans: 0,
  matchedContacts: 0,
  subscriptions: 0,
  advertisers: 0,
});

async function applyWebhook(ctx: Ctx, source: string, body: z.infer<typeof webhookBody>) {
  const empty = emptyResult();
  if (body.type === "subscription.updated") return { id: body.id, applied: { ...empty, subscriptions: (await ingestSubscriptions(ctx, source, [body.data])).length } };
  const batch = body.type === "event.updated" ? { events: [body.data] } : body.type === "order.updated" ? { orders: [body.data] } : { attendees: [body.data] };
  return { id: body.id, applied: { ...empty, ...(await ingest(ctx, { source, ...batch })) } };
}

declare module "fastify" {
  interface FastifyRequest {
    commerceCtx?: Ctx;
  }
}

/**
 * Deliveries signed by the platform (see webhook-signing.ts), for platforms
 * that cannot hold an API token. The signature is checked on the bytes sent,
 * before the body is validated or anything is written; the workspace is in
 * the path, the source's secret proves the sender.
 */
async function signedWebhookRoutes(server: FastifyInstance): Promise<void> {
  server.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString("utf8")));
    } catch {
      done(new DomainError("request.invalid_json", "The body is not valid JSON"), undefined);
    }
  });
  const app = server.withTypeProvider<ZodTypeProvider>();
  const usher = server.usher;
  app.post(
    "/webhooks/commerce/:workspace/:source",
    {
      schema: {
        tags: ["commerce"],
        summary: "A ticketing platform's webhook delivery, signed with the source's secret (Usher-Signature: t=…,v1=…)",
        security: [],
        params: z.object({ workspace: z.string().min(1).max(100), source: sourceSchema }).strict(),
        headers: z.object({ "usher-signature": z.string().max(2000).optional() }).loose(),
        body: webhookBody,
        response: { 202: z.object({ id: z.string(), applied: ingestResult }), ...problemResponses },
      },
      preValidation: async (request) => {
        const { workspace: slug, source } = request.params as { workspace: string; source: string };
        const workspace = await findWorkspaceBySlug(usher.database.db, slug);
        const header = request.headers[SIGNATURE_HEADER];
        if (!workspace) {
          // Same answers as a known workspace with no secret: which workspaces exist is not told.
          if (!header) throw new DomainError("webhook.signature_missing", "The Usher-Signature header is missing");
          throw new DomainError("webhook.signature_mismatch", "The Usher-Signature does not match this source's signing secret");
        }
        const ctx = usher.ctx(workspace.id, systemActor(`webhook:${source}`));
        await verifyWebhookSignature(ctx, source, typeof header === "string" ? header : undefined, request.rawBody ?? Buffer.alloc(0));
        request.commerceCtx = ctx;
      },
    },
    async (request, reply) => reply.status(202).send(await applyWebhook(request.commerceCtx!, request.params.source, request.body)),
  );
}

export async function commerceRoutes(server: FastifyInstance): Promise<void> {
  await server.register(signedWebhookRoutes);
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["commerce"];
  const deps = () => commerceDeps(server.usher.config);

  app.get(
    "/api/v1/tickets/:id/customer",
    {
      schema: {
        tags,
        summary: "Customer 360: the requester's orders, admissions and scans, subscriptions and billing, past tickets — in one call",
        params: ticketIdParams,
        response: { 200: customerSchema, ...problemResponses },
      },
    },
    async (request) => presentCustomer(await customerOfTicket(ctxOf(request), request.params.id)),
  );

  // ---------------------------------------------------------------- getting data in

  app.post(
    "/api/v1/commerce/ingest",
    {
      schema: {
        tags,
        summary: "Upsert venues, events, orders, attendees, subscriptions and advertisers by external id (idempotent)",
        body: ingestBody,
        response: { 200: ingestResult, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const { subscriptions, advertisers, ...batch } = request.body;
      const result = await ingest(ctx, batch);
      const subs = subscriptions?.length ? await ingestSubscriptions(ctx, batch.source, subscriptions) : [];
      const ads = advertisers?.length ? await ingestAdvertisers(ctx, advertisers) : [];
      return { ...result, subscriptions: subs.length, advertisers: ads.length };
    },
  );

  app.post(
    "/api/v1/commerce/webhooks/:source",
    {
      schema: {
        tags,
        summary: "A webhook delivery sent with an API token (scripts); platforms sign theirs instead — see /webhooks/commerce/{workspace}/{source}",
        params: z.object({ source: sourceSchema }).strict(),
        body: webhookBody,
        response: { 202: z.object({ id: z.string(), applied: ingestResult }), ...problemResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await applyWebhook(ctxOf(request), request.params.source, request.body)),
  );

  app.post(
    "/api/v1/commerce/webhook-secrets/:source",
    {
      schema: {
        tags,
        summary: "Make (or replace) a source's webhook signing secret; it is shown this once",
        params: z.object({ source: sourceSchema }).strict(),
        response: {
          201: z.object({ source: z.string(), secret: z.string(), createdAt: z.string(), url: z.string() }).meta({ id: "WebhookSecret" }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const made = await createWebhookSecret(ctx, request.params.source);
      const { slug } = await getWorkspace(server.usher.database.db, ctx.workspaceId);
      return reply
        .status(201)
        .header("cache-control", "no-store")
        .send({ ...made, createdAt: made.createdAt.toISOString(), url: `${server.usher.config.publicUrl}/webhooks/commerce/${slug}/${made.source}` });
    },
  );

  // ---------------------------------------------------------------- events and policy

  app.get(
    "/api/v1/commerce/events",
    { schema: { tags, response: { 200: listOf(eventSchema), ...problemResponses } } },
    async (request) => ({
      items: (await listEvents(ctxOf(request))).map((e) => presentEvent(e, e.venueName)),
    }),
  );
  app.post(
    "/api/v1/commerce/events",
    {
      schema: {
        tags,
        body: z
          .object({
            name: text(300).min(1),
            startsAt: when,
            timezone: timezoneSchema,
            venueId: z.uuid().nullish(),
            capacity: z.number().int().min(0).nullish(),
            pricing: pricingBody.nullish(),
          })
          .strict(),
        response: { 201: eventSchema, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(presentEvent(await createEvent(ctxOf(request), request.body))),
  );
  app.post(
    "/api/v1/commerce/events/:id/state",
    {
      schema: {
        tags,
        summary: "Postpone, reschedule, cancel or reinstate an event",
        params: idParams,
        body: z.object({ state: z.enum(eventStates), startsAt: when.optional() }).strict(),
        response: { 200: eventSchema, ...problemResponses },
      },
    },
    async (request) => presentEvent(await changeEventState(ctxOf(request), request.params.id, request.body)),
  );
  app.put(
    "/api/v1/commerce/events/:id/policy",
    {
      schema: {
        tags,
        summary: "Override the refund policy for one event (null: none)",
        params: idParams,
        body: refundPolicySchema.partial().strict().nullable(),
        response: { 200: eventSchema, ...problemResponses },
      },
    },
    async (request) => presentEvent(await setEventPolicy(ctxOf(request), request.params.id, request.body)),
  );
  app.get("/api/v1/commerce/policy", { schema: { tags, response: { 200: refundPolicySchema, ...problemResponses } } }, async (request) =>
    readWorkspacePolicy(ctxOf(request)),
  );
  app.put(
    "/api/v1/commerce/policy",
    {
      schema: {
        tags,
        summary: "The workspace's refund and exchange policy",
        body: refundPolicySchema,
        response: { 200: refundPolicySchema, ...problemResponses },
      },
    },
    async (request) => setWorkspacePolicy(ctxOf(request), request.body),
  );

  // ---------------------------------------------------------------- orders and workflows

  app.get(
    "/api/v1/commerce/orders",
    {
      schema: {
        tags,
        summary: "Find orders by order number, barcode, or the buyer's e-mail or phone",
        querystring: z.object({ q: z.string().min(1).max(320) }).strict(),
        response: { 200: listOf(orderSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await findOrders(ctxOf(request), request.query.q)).map(presentOrder) }),
  );
  app.get(
    "/api/v1/commerce/orders/:id",
    { schema: { tags, params: idParams, response: { 200: orderSchema, ...problemResponses } } },
    async (request) => presentOrder(await getOrder(ctxOf(request), request.params.id)),
  );
  app.get(
    "/api/v1/commerce/orders/:id/decision",
    {
      schema: {
        tags,
        summary: "What the policy allows for this order now, with reasons in the given language",
        params: idParams,
        querystring: z.object({ locale: languageSchema.optional() }).strict(),
        response: { 200: z.object({ refund: decisionSchema, exchange: decisionSchema }), ...problemResponses },
      },
    },
    async (request) => decisionsFor(ctxOf(request), request.params.id, request.query.locale ?? null),
  );
  app.post(
    "/api/v1/commerce/orders/:id/refunds",
    {
      schema: {
        tags,
        summary: "Refund (within policy at once; otherwise filed for a supervisor). Send an Idempotency-Key header to retry safely.",
        params: idParams,
        headers: z.object({ "idempotency-key": z.string().min(1).max(200).optional() }).loose(),
        body: z
          .object({
            admissionIds: z.array(z.uuid()).max(100).optional(),
            amount: amount.optional(),
            currency: currency.optional(),
            reason: text(500).optional(),
            ticketId: z.uuid().nullish(),
          })
          .strict(),
        response: { 201: outcomeSchema, 202: outcomeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const outcome = await requestRefund(ctxOf(request), deps(), {
        ...request.body,
        orderId: request.params.id,
        idempotencyKey: request.headers["idempotency-key"],
      });
      return reply.status(outcome.request.state === "completed" ? 201 : 202).send(presentOutcome(outcome));
    },
  );
  app.post(
    "/api/v1/commerce/orders/:id/exchanges",
    {
      schema: {
        tags,
        summary: "Exchange tickets to another date or seats (availability through the event's connector)",
        params: idParams,
        body: z
          .object({
            admissionIds: z.array(z.uuid()).max(100).optional(),
            toEventId: z.uuid(),
            section: text(100).nullish(),
            row: text(50).nullish(),
            seats: z.array(text(50)).max(100).optional(),
            ticketId: z.uuid().nullish(),
          })
          .strict(),
        response: { 201: outcomeSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentOutcome(await exchangeAdmissions(ctxOf(request), deps(), { ...request.body, orderId: request.params.id }))),
  );
  app.post(
    "/api/v1/commerce/orders/:id/transfers",
    {
      schema: {
        tags,
        params: idParams,
        body: z
          .object({
            admissionId: z.uuid(),
            to: z.object({ email: z.email(), name: text(200).optional() }).strict(),
            ticketId: z.uuid().nullish(),
          })
          .strict(),
        response: { 201: outcomeSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentOutcome(await transferAdmission(ctxOf(request), { ...request.body, orderId: request.params.id }))),
  );
  app.post(
    "/api/v1/commerce/orders/:id/reissue",
    {
      schema: {
        tags,
        summary: "New barcodes and a fresh ticket PDF; sent on the ticket when one is given. Accept: application/pdf returns the PDF.",
        params: idParams,
        body: z.object({ ticketId: z.uuid().nullish() }).strict(),
        response: { 201: outcomeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const outcome = await reissueTickets(ctxOf(request), { orderId: request.params.id, ticketId: request.body.ticketId });
      if (request.headers.accept?.includes("application/pdf")) {
        return reply
          .status(201)
          .type("application/pdf")
          .header("content-disposition", `attachment; filename="tickets.pdf"`)
          .send(outcome.pdf as never);
      }
      return reply.status(201).send(presentOutcome(outcome));
    },
  );

  app.get(
    "/api/v1/commerce/requests",
    { schema: { tags, summary: "Requests waiting for a supervisor", response: { 200: listOf(requestSchema), ...problemResponses } } },
    async (request) => ({ items: (await listPendingRequests(ctxOf(request))).map(presentRequest) }),
  );
  for (const verb of ["approve", "reject"] as const) {
    app.post(
      `/api/v1/commerce/requests/:id/${verb}`,
      {
        schema: {
          tags,
          summary: `${verb === "approve" ? "Approve" : "Reject"} a request (supervisors)`,
          params: idParams,
          body: z
            .object({ note: text(2000).nullish() })
            .strict()
            .optional(),
          response: { 200: outcomeSchema, ...problemResponses },
        },
      },
      async (request) =>
        presentOutcome(
          await decideRequest(ctxOf(request), deps(), request.params.id, { approve: verb === "approve", note: request.body?.note }),
        ),
    );
  }

  app.post(
    "/api/v1/commerce/subscriptions/:id/actions",
    {
      schema: {
        tags,
        summary: "Cancel, renew, upgrade, or credit a billing error",
        params: idParams,
        body: z.discriminatedUnion("action", [
          z.object({ action: z.literal("cancel"), ticketId: z.uuid().nullish() }).strict(),
          z.object({ action: z.literal("renew"), ticketId: z.uuid().nullish() }).strict(),
          z.object({ action: z.literal("upgrade"), plan: text(200).min(1), price: amount, ticketId: z.uuid().nullish() }).strict(),
          z
            .object({
              action: z.literal("credit"),
              amount,
              currency,
              billingEntryId: z.uuid(),
              reason: text(500).optional(),
              ticketId: z.uuid().nullish(),
            })
            .strict(),
        ]),
        response: { 200: subscriptionOutcomeSchema, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const policy = await getWorkspacePolicy(ctx);
      return presentSubscriptionOutcome(
        await changeSubscription(ctx, deps(), request.params.id, request.body, { autoApproveMax: policy.autoApproveMax }),
      );
    },
  );

  // ---------------------------------------------------------------- chargebacks

  app.post(
    "/api/v1/commerce/disputes",
    {
      schema: {
        tags,
        body: z
          .object({
            paymentId: z.uuid(),
            reason: text(500).min(1),
            amount: amount.optional(),
            currency: currency.optional(),
            externalId: ext.nullish(),
            openedAt: when.optional(),
            respondBy: when.nullish(),
          })
          .strict(),
        response: { 201: disputeSchema, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(presentDispute(await openDispute(ctxOf(request), request.body))),
  );
  app.get(
    "/api/v1/commerce/disputes/:id",
    { schema: { tags, params: idParams, response: { 200: disputeSchema, ...problemResponses } } },
    async (request) => presentDispute(await getDispute(ctxOf(request), request.params.id)),
  );
  app.patch(
    "/api/v1/commerce/disputes/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: z.object({ state: z.enum(disputeStates) }).strict(),
        response: { 200: disputeSchema, ...problemResponses },
      },
    },
    async (request) => presentDispute(await setDisputeState(ctxOf(request), request.params.id, request.body.state)),
  );
  app.get(
    "/api/v1/commerce/disputes/:id/evidence.pdf",
    {
      schema: {
        tags,
        summary: "The evidence bundle: receipt, purchase IP and location, delivery and scan logs, correspondence",
        params: idParams,
      },
    },
    async (request, reply) => {
      const { dispute, pdf } = await disputeEvidence(ctxOf(request), request.params.id);
      return reply
        .type("application/pdf")
        .header("content-disposition", `attachment; filename="evidence-${dispute.id}.pdf"`)
        .header("cache-control", "private, no-store")
        .send(pdf);
    },
  );
  app.get(
    "/api/v1/commerce/chargeback-rate",
    {
      schema: {
        tags,
        summary: "Disputes per payment in a period (acceptable: 0.3–0.6 %)",
        querystring: period,
        response: { 200: chargebackRateSchema, ...problemResponses },
      },
    },
    async (request) => chargebackRate(ctxOf(request), request.query.from, request.query.to),
  );
  app.get(
    "/api/v1/commerce/self-service-rate",
    {
      schema: {
        tags,
        summary: "Share of requests resolved without an agent (seeds/003 aims at 25–40 %)",
        querystring: period,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            selfServed: z.number().int(),
            requests: z.number().int(),
            rate: z.number(),
            byKind: z.record(z.string(), z.number()),
            target: z.object({ min: z.number(), max: z.number() }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => selfServiceRate(ctxOf(request), request.query.from, request.query.to),
  );

  app.get(
    "/api/v1/commerce/advertisers",
    {
      schema: {
        tags,
        summary: "Advertiser accounts and their campaigns",
        querystring: z.object({ organisationId: z.uuid().optional() }).strict(),
        response: { 200: listOf(advertiserSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listAdvertiserAccounts(ctxOf(request), request.query.organisationId)).map(presentAdvertiser) }),
  );
}
