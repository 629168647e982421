import { and, eq, inArray, sql } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { DomainError, type FieldProblem, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { type IdentityInput, findContactIdsByIdentities, listOrganisations, normaliseIdentity } from "../contacts/service";
import { authorize } from "../identity/policy";
import type {
  IncomingAdvertiser,
  IncomingAttendee,
  IncomingEvent,
  IncomingOrder,
  IncomingPayment,
  IncomingScan,
  IncomingSubscription,
  IncomingVenue,
} from "./connectors/contract";
import {
  type AdvertiserAccountRow,
  type CampaignRow,
  type SubscriptionRow,
  admissions,
  advertiserAccounts,
  billingEntries,
  campaigns,
  events,
  orders,
  payments,
  scans,
  subscriptions,
  venues,
} from "./schema";

/**
 * Getting commerce data in: one idempotent upsert by (source, external id)
 * behind the REST and webhook API, the CSV import and the connectors. The
 * same batch sent twice changes nothing the second time. Buyers are matched
 * to contacts by e-mail or phone; a buyer Usher does not know yet is kept on
 * the order (e-mail, phone) and found when they first write in.
 */
export interface IngestBatch {
  source: string;
  venues?: IncomingVenue[];
  events?: IncomingEvent[];
  orders?: IncomingOrder[];
  attendees?: IncomingAttendee[];
}

export interface IngestResult {
  venues: number;
  events: number;
  orders: number;
  admissions: number;
  payments: number;
  scans: number;
  matchedContacts: number;
}

const CHUNK = 500;

export async function ingest(ctx: Ctx, batch: IngestBatch, options: { skipUnknownEvents?: boolean } = {}): Promise<IngestResult> {
  authorize(ctx.actor, "commerce.manage");
  refuseCardNumbers(batch);
  const result: IngestResult = { venues: 0, events: 0, orders: 0, admissions: 0, payments: 0, scans: 0, matchedContacts: 0 };
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const source = batch.source;
    const allVenues = [...(batch.venues ?? []), ...(batch.events ?? []).flatMap((e) => (e.venue ? [e.venue] : []))];
    const venueIds = await upsertVenues(tx, source, allVenues, now);
    result.venues = venueIds.size;
    if (batch.events?.length) {
      const rows = dedupe(batch.events, (e) => e.externalId).map((e) => ({
        id: newId(),
        workspaceId: tx.workspaceId,
        source,
        externalId: e.externalId,
        venueId: e.venue ? (venueIds.get(e.venue.externalId) ?? null) : null,
        name: e.name,
        startsAt: e.startsAt,
        timezone: e.timezone,
        state: e.state ?? "scheduled",
        capacity: e.capacity ?? null,
        pricing: e.pricing ?? null,
        createdAt: now,
        updatedAt: now,
      }));
      for (const chunk of chunks(rows)) {
        const changed = await tx.db
          .insert(events)
          .values(chunk)
          .onConflictDoUpdate({
            target: [events.workspaceId, events.source, events.externalId],
            set: {
              name: sql`excluded.name`,
              startsAt: sql`excluded.starts_at`,
              timezone: sql`excluded.timezone`,
              venueId: sql`coalesce(excluded.venue_id, ${events.venueId})`,
              capacity: sql`coalesce(excluded.capacity, ${events.capacity})`,
              pricing: sql`coalesce(excluded.pricing, ${events.pricing})`,
              // A postponement's "choose within N days" counts from the change.
              stateChangedAt: sql`case when ${events.state} <> excluded.state then ${now.toISOString()}::timestamptz else ${events.stateChangedAt} end`,
              state: sql`excluded.state`,
              updatedAt: now,
            },
          })
          .returning({ id: events.id, state: events.state, externalId: events.externalId });
        result.events += changed.length;
      }
    }

    let orderInputs = dedupe(batch.orders ?? [], (o) => o.externalId);
    if (orderInputs.length) {
      const eventIds = await idsByExternal(
        tx,
        source,
        orderInputs.map((o) => o.eventExternalId),
      );
      // A connector's sync may see orders of events outside its window: those wait for their event.
      if (options.skipUnknownEvents) orderInputs = orderInputs.filter((o) => eventIds.has(o.eventExternalId));
      const problems: FieldProblem[] = [];
      orderInputs.forEach((o, i) => {
        if (!eventIds.has(o.eventExternalId))
          problems.push({ path: `orders.${i}.eventExternalId`, message: `no event ${o.eventExternalId} from ${source}` });
      });
      if (problems.length) throw invalid(problems, "Some orders refer to events Usher does not know; send the events first");
      const contactIds = await matchBuyers(tx, orderInputs);
      result.matchedContacts = [...contactIds.values()].filter(Boolean).length;
      const orderRows = orderInputs.map((o) => {
        const fees = o.fees ?? 0;
        return {
          id: newId(),
          workspaceId: tx.workspaceId,
          source,
          externalId: o.externalId,
          number: o.number ?? o.externalId,
          contactId: contactIds.get(o.externalId) ?? null,
          buyerName: o.buyer.name ?? null,
          buyerEmail: o.buyer.email ? (normaliseIdentity({ kind: "email", value: o.buyer.email })?.value ?? o.buyer.email) : null,
          buyerPhone: o.buyer.phone ? (normaliseIdentity({ kind: "phone", value: o.buyer.phone })?.value ?? o.buyer.phone) : null,
          eventId: eventIds.get(o.eventExternalId)!,
          currency: o.currency.toUpperCase(),
          subtotal: o.subtotal,
          fees,
          total: o.total ?? o.subtotal + fees,
          state: o.state ?? "paid",
          purchasedAt: o.purchasedAt,
          purchaseIp: o.purchaseIp ?? null,
          purchaseLocation: o.purchaseLocation ?? null,
          createdAt: now,
          updatedAt: now,
        };
      });
      const orderIds = new Map<string, string>();
      for (const chunk of chunks(orderRows)) {
        const rows = await tx.db
          .insert(orders)
          .values(chunk)
          .onConflictDoUpdate({
            target: [orders.workspaceId, orders.source, orders.externalId],
            set: {
              contactId: sql`coalesce(${orders.contactId}, excluded.contact_id)`,
              buyerName: sql`excluded.buyer_name`,
              buyerEmail: sql`excluded.buyer_email`,
              buyerPhone: sql`excluded.buyer_phone`,
              eventId: sql`excluded.event_id`,
              subtotal: sql`excluded.subtotal`,
              fees: sql`excluded.fees`,
              total: sql`excluded.total`,
              // Refunds made in Usher are not undone by a platform that has not caught up yet.
              state: sql`case when ${orders.refundedTotal} > 0 then ${orders.state} else excluded.state end`,
              purchaseIp: sql`coalesce(excluded.purchase_ip, ${orders.purchaseIp})`,
              purchaseLocation: sql`coalesce(excluded.purchase_location, ${orders.purchaseLocation})`,
              updatedAt: now,
            },
          })
          .returning({ id: orders.id, externalId: orders.externalId });
        for (const r of rows) orderIds.set(r.externalId!, r.id);
      }
      result.orders = orderIds.size;

      // Payments: recorded once per order, as the platform first reported them.
      const withPayments = await tx.db
        .select({ orderId: payments.orderId })
        .from(payments)
        .where(and(eq(payments.workspaceId, tx.workspaceId), inArray(payments.orderId, [...orderIds.values()])));
      const paid = new Set(withPayments.map((p) => p.orderId));
      const paymentRows = orderInputs.flatMap((o) =>
        paid.has(orderIds.get(o.externalId)!)
          ? []
          : (o.payments ?? []).map((p) => ({
              id: newId(),
              workspaceId: tx.workspaceId,
              orderId: orderIds.get(o.externalId)!,
              method: p.method,
              brand: p.brand ?? null,
              last4: p.last4 ?? null,
              amount: p.amount,
              currency: p.currency.toUpperCase(),
              gateway: p.gateway ?? "sandbox",
              gatewayChargeId: p.chargeId ?? null,
              createdAt: o.purchasedAt,
            })),
      );
      for (const chunk of chunks(paymentRows)) await tx.db.insert(payments).values(chunk);
      result.payments = paymentRows.length;

      const nested: IncomingAttendee[] = orderInputs.flatMap((o) =>
        (o.admissions ?? []).map((a) => ({ ...a, orderExternalId: o.externalId, eventExternalId: o.eventExternalId })),
      );
      const counts = await upsertAdmissions(tx, source, nested, orderIds, eventIds, now);
      result.admissions += counts.admissions;
      result.scans += counts.scans;

      // One activity per batch, not per order: an import of 50,000 orders is one event in the log, and half the rows.
      await recordActivities(
        tx,
        [
          {
            type: "orders.ingested",
            subjectType: "workspace",
            subjectId: tx.workspaceId,
            data: {
              source,
              orders: orderRows.length,
              matchedContacts: result.matchedContacts,
              externalIds: orderRows.slice(0, 100).map((o) => o.externalId),
            },
          },
        ],
        { react: false },
      );
    }

    if (batch.attendees?.length) {
      const attendees = dedupe(batch.attendees, (a) => `${a.orderExternalId}/${a.externalId}`);
      const orderIds = await orderIdsByExternal(
        tx,
        source,
        attendees.map((a) => a.orderExternalId),
      );
      const eventIds = await idsByExternal(
        tx,
        source,
        attendees.map((a) => a.eventExternalId),
      );
      const known = attendees.filter((a) => orderIds.has(a.orderExternalId) && eventIds.has(a.eventExternalId));
      const counts = await upsertAdmissions(tx, source, known, orderIds, eventIds, now);
      result.admissions += counts.admissions;
      result.scans += counts.scans;
    }
    return result;
  });
}

async function upsertVenues(ctx: Ctx, source: string, input: IncomingVenue[], now: Date): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const rows = dedupe(input, (v) => v.externalId).map((v) => ({
    id: newId(),
    workspaceId: ctx.workspaceId,
    source,
    externalId: v.externalId,
    name: v.name,
    city: v.city ?? null,
    country: v.country ? v.country.slice(0, 2).toUpperCase() : null,
    timezone: v.timezone,
    createdAt: now,
    updatedAt: now,
  }));
  for (const chunk of chunks(rows)) {
    const done = await ctx.db
      .insert(venues)
      .values(chunk)
      .onConflictDoUpdate({
        target: [venues.workspaceId, venues.source, venues.externalId],
        set: {
          name: sql`excluded.name`,
          city: sql`excluded.city`,
          country: sql`excluded.country`,
          timezone: sql`excluded.timezone`,
          updatedAt: now,
        },
      })
      .returning({ id: venues.id, externalId: venues.externalId });
    for (const r of done) out.set(r.externalId!, r.id);
  }
  return out;
}

async function upsertAdmissions(
  ctx: Ctx,
  source: string,
  input: IncomingAttendee[],
  orderIds: Map<string, string>,
  eventIds: Map<string, string>,
  now: Date,
): Promise<{ admissions: number; scans: number }> {
  if (input.length === 0) return { admissions: 0, scans: 0 };
  const rows = input.map((a) => ({
    id: newId(),
    workspaceId: ctx.workspaceId,
    orderId: orderIds.get(a.orderExternalId)!,
    eventId: eventIds.get(a.eventExternalId)!,
    externalId: a.externalId,
    section: a.section ?? null,
    row: a.row ?? null,
    seat: a.seat ?? null,
    barcode: a.barcode,
    price: a.price,
    fees: a.fees ?? 0,
    state: a.state ?? ("valid" as const),
    createdAt: now,
    updatedAt: now,
  }));
  const ids = new Map<string, string>();
  for (const chunk of chunks(rows)) {
    const done = await ctx.db
      .insert(admissions)
      .values(chunk)
      .onConflictDoUpdate({
        target: [admissions.workspaceId, admissions.orderId, admissions.externalId],
        set: {
          section: sql`excluded.section`,
          row: sql`excluded.row`,
          seat: sql`excluded.seat`,
          price: sql`excluded.price`,
          fees: sql`excluded.fees`,
          // What Usher did (refund, exchange, transfer) stands; a scan reported later still counts.
          state: sql`case when ${admissions.state} = 'valid' then excluded.state else ${admissions.state} end`,
          updatedAt: now,
        },
      })
      .returning({ id: admissions.id, orderId: admissions.orderId, externalId: admissions.externalId });
    for (const r of done) ids.set(`${r.orderId}/${r.externalId}`, r.id);
  }
  const scanRows = input.flatMap((a) =>
    (a.scans ?? []).map((s: IncomingScan) => ({
      id: newId(),
      workspaceId: ctx.workspaceId,
      admissionId: ids.get(`${orderIds.get(a.orderExternalId)}/${a.externalId}`)!,
      externalId: s.externalId ?? `${source}:${a.barcode}:${s.scannedAt.toISOString()}`,
      scannedAt: s.scannedAt,
      gate: s.gate ?? null,
      device: s.device ?? null,
      result: s.result ?? "accepted",
    })),
  );
  let scanCount = 0;
  for (const chunk of chunks(scanRows)) {
    scanCount += (await ctx.db.insert(scans).values(chunk).onConflictDoNothing().returning({ id: scans.id })).length;
  }
  return { admissions: ids.size, scans: scanCount };
}

async function idsByExternal(ctx: Ctx, source: string, externalIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(externalIds)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: events.id, externalId: events.externalId })
    .from(events)
    .where(and(eq(events.workspaceId, ctx.workspaceId), eq(events.source, source), inArray(events.externalId, unique)));
  return new Map(rows.map((r) => [r.externalId!, r.id]));
}

async function orderIdsByExternal(ctx: Ctx, source: string, externalIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(externalIds)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: orders.id, externalId: orders.externalId })
    .from(orders)
    .where(and(eq(orders.workspaceId, ctx.workspaceId), eq(orders.source, source), inArray(orders.externalId, unique)));
  return new Map(rows.map((r) => [r.externalId!, r.id]));
}

/** Buyer → contact, by e-mail first, then phone: one query for the whole batch. */
async function matchBuyers(ctx: Ctx, input: IncomingOrder[]): Promise<Map<string, string | null>> {
  const identities: IdentityInput[] = input.flatMap((o) => [
    ...(o.buyer.email ? [{ kind: "email" as const, value: o.buyer.email }] : []),
    ...(o.buyer.phone ? [{ kind: "phone" as const, value: o.buyer.phone }] : []),
  ]);
  const found = await findContactIdsByIdentities(ctx, identities);
  const key = (kind: "email" | "phone", value?: string | null) => {
    const n = value ? normaliseIdentity({ kind, value }) : undefined;
    return n ? found.get(`${kind}:${n.value}`) : undefined;
  };
  return new Map(input.map((o) => [o.externalId, key("email", o.buyer.email) ?? key("phone", o.buyer.phone) ?? null]));
}

/**
 * A full card number must never be stored (PCI-DSS 3.4). Payments carry the
 * last four digits only; anything that looks like a card number anywhere in
 * an order is refused outright rather than silently masked, so the sender
 * fixes its export.
 */
function refuseCardNumbers(batch: IngestBatch): void {
  const problems: FieldProblem[] = [];
  const check = (path: string, value: unknown) => {
    if (typeof value === "string" && redactCardNumbers(value).count > 0)
      problems.push({ path, message: "looks like a card number", code: "card_number" });
  };
  (batch.orders ?? []).forEach((o, i) => {
    check(`orders.${i}.number`, o.number);
    check(`orders.${i}.buyer.name`, o.buyer.name);
    (o.payments ?? []).forEach((p: IncomingPayment, k) => {
      for (const [field, value] of Object.entries(p)) check(`orders.${i}.payments.${k}.${field}`, value);
      if (p.last4 != null && !/^\d{4}$/.test(p.last4))
        problems.push({ path: `orders.${i}.payments.${k}.last4`, message: "only the last four digits", code: "card_number" });
    });
  });
  if (problems.length) {
    throw new DomainError(
      "commerce.card_number_refused",
      "Card numbers are never stored: send the method and the last four digits only",
      {},
      problems,
    );
  }
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return [...map.values()];
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ------------------------------------------------------------------ subscriptions and advertisers

export async function ingestSubscriptions(ctx: Ctx, source: string, items: IncomingSubscription[]): Promise<SubscriptionRow[]> {
  authorize(ctx.actor, "commerce.manage");
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const input = dedupe(items, (s) => s.externalId);
    const contactsByEmail = await findContactIdsByIdentities(
      tx,
      input.flatMap((s) => (s.email ? [{ kind: "email" as const, value: s.email }] : [])),
    );
    const out: SubscriptionRow[] = [];
    for (const chunk of chunks(input)) {
      const rows = await tx.db
        .insert(subscriptions)
        .values(
          chunk.map((s) => {
            const email = s.email ? (normaliseIdentity({ kind: "email", value: s.email })?.value ?? null) : null;
            return {
              id: newId(),
              workspaceId: tx.workspaceId,
              source,
              externalId: s.externalId,
              contactId: email ? (contactsByEmail.get(`email:${email}`) ?? null) : null,
              email,
              plan: s.plan,
              status: s.status ?? ("active" as const),
              price: s.price,
              currency: s.currency.toUpperCase(),
              interval: s.interval ?? "month",
              startedAt: s.startedAt,
              renewsAt: s.renewsAt ?? null,
              cancelledAt: s.cancelledAt ?? null,
              gateway: s.gateway ?? "sandbox",
              createdAt: now,
              updatedAt: now,
            };
          }),
        )
        .onConflictDoUpdate({
          target: [subscriptions.workspaceId, subscriptions.source, subscriptions.externalId],
          set: {
            contactId: sql`coalesce(${subscriptions.contactId}, excluded.contact_id)`,
            plan: sql`excluded.plan`,
            status: sql`excluded.status`,
            price: sql`excluded.price`,
            renewsAt: sql`excluded.renews_at`,
            cancelledAt: sql`excluded.cancelled_at`,
            updatedAt: now,
          },
        })
        .returning();
      out.push(...rows);
    }
    const idOf = new Map(out.map((s) => [s.externalId!, s]));
    const billing = input.flatMap((s) =>
      (s.billing ?? []).map((b) => ({
        id: newId(),
        workspaceId: tx.workspaceId,
        subscriptionId: idOf.get(s.externalId)!.id,
        kind: b.kind,
        amount: b.amount,
        currency: idOf.get(s.externalId)!.currency,
        status: b.status,
        description: b.description,
        gatewayId: b.gatewayId ?? null,
        externalId: b.externalId ?? null,
        occurredAt: b.occurredAt,
      })),
    );
    // Billing history is append-only: an entry with an external id already stored is skipped.
    const known = new Set(
      billing.length
        ? (
            await tx.db
              .select({ externalId: billingEntries.externalId })
              .from(billingEntries)
              .where(
                and(
                  eq(billingEntries.workspaceId, tx.workspaceId),
                  inArray(
                    billingEntries.subscriptionId,
                    out.map((s) => s.id),
                  ),
                ),
              )
          ).map((r) => r.externalId)
        : [],
    );
    const fresh = billing.filter((b) => !b.externalId || !known.has(b.externalId));
    for (const chunk of chunks(fresh)) await tx.db.insert(billingEntries).values(chunk);
    return out;
  });
}

export async function ingestAdvertisers(ctx: Ctx, items: IncomingAdvertiser[]): Promise<AdvertiserAccountRow[]> {
  authorize(ctx.actor, "commerce.manage");
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const orgs = await listOrganisations(withActor(tx, systemActor("commerce")), { limit: 100 });
    const out: AdvertiserAccountRow[] = [];
    for (const a of dedupe(items, (x) => x.externalId)) {
      const org = a.domain ? orgs.items.find((o) => o.domains.includes(a.domain!.toLowerCase())) : undefined;
      const [account] = await tx.db
        .insert(advertiserAccounts)
        .values({
          id: newId(),
          workspaceId: tx.workspaceId,
          organisationId: org?.id ?? null,
          externalId: a.externalId,
          name: a.name,
          currency: a.currency.toUpperCase(),
          createdAt: now,
        })
        .onConflictDoUpdate({
          target: [advertiserAccounts.workspaceId, advertiserAccounts.externalId],
          set: { name: a.name, organisationId: sql`coalesce(excluded.organisation_id, ${advertiserAccounts.organisationId})` },
        })
        .returning();
      if (a.campaigns?.length) {
        await tx.db
          .insert(campaigns)
          .values(
            a.campaigns.map((c) => ({
              id: newId(),
              workspaceId: tx.workspaceId,
              advertiserAccountId: account!.id,
              externalId: c.externalId,
              name: c.name,
              state: c.state ?? "draft",
              budget: c.budget ?? 0,
              spent: c.spent ?? 0,
              currency: account!.currency,
              startsOn: c.startsOn ?? null,
              endsOn: c.endsOn ?? null,
              createdAt: now,
            })),
          )
          .onConflictDoUpdate({
            target: [campaigns.workspaceId, campaigns.externalId],
            set: {
              name: sql`excluded.name`,
              state: sql`excluded.state`,
              budget: sql`excluded.budget`,
              spent: sql`excluded.spent`,
              endsOn: sql`excluded.ends_on`,
            },
          });
      }
      out.push(account!);
    }
    return out;
  });
}

export async function listAdvertiserAccounts(
  ctx: Ctx,
  organisationId?: string,
): Promise<(AdvertiserAccountRow & { campaigns: CampaignRow[] })[]> {
  authorize(ctx.actor, "commerce.read");
  const accounts = await ctx.db
    .select()
    .from(advertiserAccounts)
    .where(
      and(
        eq(advertiserAccounts.workspaceId, ctx.workspaceId),
        organisationId ? eq(advertiserAccounts.organisationId, organisationId) : undefined,
      ),
    )
    .limit(200);
  const list = accounts.length
    ? await ctx.db
        .select()
        .from(campaigns)
        .where(
          and(
            eq(campaigns.workspaceId, ctx.workspaceId),
            inArray(
              campaigns.advertiserAccountId,
              accounts.map((a) => a.id),
            ),
          ),
        )
    : [];
  return accounts.map((a) => ({ ...a, campaigns: list.filter((c) => c.advertiserAccountId === a.id) }));
}
