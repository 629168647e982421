import { and, asc, eq, ilike, inArray, isNull, or, sql } from "drizzle-orm";
import { fromJsonRow, stage, stageRows } from "../../platform/batch";
import { query } from "../../platform/db";
import { type Ctx, inTransaction } from "../../platform/context";
import { ReadGroup } from "../../platform/read-group";
import { DomainError, type FieldProblem, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { type Page, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { escapeLike } from "../../platform/sql";
import { diff, recordActivities, recordActivity } from "../activity/service";
import { normaliseEmail, normaliseHandle, normalisePhone } from "../desks/addresses";
import { authorize } from "../identity/policy";
import {
  type ContactRow,
  type ContactTier,
  type IdentityKind,
  type IdentityRow,
  type OrganisationRow,
  contactIdentities,
  contacts,
  organisations,
} from "./schema";

export interface IdentityInput {
  kind: IdentityKind;
  value: string;
  /** Social network or app id; ignored for e-mail and phone. */
  provider?: string;
  verified?: boolean;
}

export interface ContactWithIdentities extends ContactRow {
  identities: IdentityRow[];
}

export interface NewContact {
  name?: string;
  identities?: IdentityInput[];
  organisationId?: string | null;
  tier?: ContactTier;
  locale?: string | null;
  timezone?: string | null;
  notes?: string | null;
  attributes?: Record<string, unknown>;
}

export type ContactPatch = Partial<Omit<NewContact, "identities">>;

// ------------------------------------------------------------------ identities

/** The canonical form under which an identity is stored and found. */
export function normaliseIdentity(input: IdentityInput): { kind: IdentityKind; provider: string; value: string } | undefined {
  switch (input.kind) {
    case "email": {
      const value = normaliseEmail(input.value);
      return value ? { kind: "email", provider: "", value } : undefined;
    }
    case "phone": {
      const value = normalisePhone(input.value);
      return value ? { kind: "phone", provider: "", value } : undefined;
    }
    case "social": {
      const provider = input.provider?.trim().toLowerCase();
      const value = normaliseHandle(input.value);
      return provider && /^[a-z0-9_-]{1,40}$/.test(provider) && value ? { kind: "social", provider, value } : undefined;
    }
    case "app": {
      const provider = input.provider?.trim();
      const value = input.value.trim();
      return provider && value && value.length <= 200 && provider.length <= 100 ? { kind: "app", provider, value } : undefined;
    }
  }
}

function normaliseAll(identities: IdentityInput[]) {
  const problems: FieldProblem[] = [];
  const out = identities.map((identity, i) => {
    const n = normaliseIdentity(identity);
    if (!n) problems.push({ path: `identities.${i}`, message: `not a valid ${identity.kind} identity` });
    return n!;
  });
  if (problems.length) throw invalid(problems);
  return out;
}

const displayNameFor = (identities: { kind: IdentityKind; value: string }[]) => {
  const email = identities.find((i) => i.kind === "email")?.value;
  return email ? email.split("@")[0]! : (identities[0]?.value ?? "Unknown");
};

// ------------------------------------------------------------------ contacts

export async function getContact(ctx: Ctx, id: string): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.read");
  const [row] = await ctx.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)));
  if (!row) throw notFound("contact", id);
  const identities = await ctx.db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.workspaceId, ctx.workspaceId), eq(contactIdentities.contactId, id)))
    .orderBy(asc(contactIdentities.createdAt));
  return { ...row, identities };
}

/**
 * Contacts this transaction created, as it created them: a new fan's ticket
 * is scored and given SLA clocks in the same transaction, and those read the
 * requester again. No other transaction sees the row before the commit; an
 * update of `contacts` in this one forgets them (`updateContact`, `mergeContacts`),
 * and those it read (`readHere`).
 */
function createdHere(ctx: Ctx): Map<string, ContactRow> | undefined {
  if (!ctx.batch) return undefined;
  let map = ctx.batch.state.get("contacts.created") as Map<string, ContactRow> | undefined;
  if (!map) ctx.batch.state.set("contacts.created", (map = new Map()));
  return map;
}

/** Contacts this transaction read (the requester of a ticket it creates is read again by its inline reactors); forgotten with those it created. */
function readHere(ctx: Ctx): Map<string, ContactRow> | undefined {
  if (!ctx.batch) return undefined;
  let map = ctx.batch.state.get("contacts.read") as Map<string, ContactRow> | undefined;
  if (!map) ctx.batch.state.set("contacts.read", (map = new Map()));
  return map;
}

function forgetContacts(ctx: Ctx): void {
  createdHere(ctx)?.clear();
  readHere(ctx)?.clear();
}

/** Whether this transaction created the contact (so nothing committed refers to it yet). */
export function contactCreatedInTransaction(ctx: Ctx, id: string): boolean {
  return createdHere(ctx)?.has(id) ?? false;
}

/** The contact alone, without identities (one row, one round trip — none for a contact this transaction created or read). */
export async function getContactRow(ctx: Ctx, id: string): Promise<ContactRow> {
  authorize(ctx.actor, "contact.read");
  const kept = createdHere(ctx)?.get(id) ?? readHere(ctx)?.get(id);
  if (kept) return { ...kept };
  const [row] = await ctx.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)));
  if (!row) throw notFound("contact", id);
  readHere(ctx)?.set(id, { ...row });
  return row;
}

export async function getContacts(ctx: Ctx, ids: string[]): Promise<Map<string, ContactWithIdentities>> {
  if (ids.length === 0) return new Map();
  const unique = [...new Set(ids)];
  const rows = await ctx.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, unique)));
  const identities = await ctx.db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.workspaceId, ctx.workspaceId), inArray(contactIdentities.contactId, unique)));
  return new Map(rows.map((r) => [r.id, { ...r, identities: identities.filter((i) => i.contactId === r.id) }]));
}

export interface ContactFilter {
  q?: string;
  organisationId?: string;
  tier?: ContactTier;
  cursor?: string;
  limit?: number;
}

export async function listContacts(ctx: Ctx, filter: ContactFilter = {}): Promise<Page<ContactWithIdentities>> {
  authorize(ctx.actor, "contact.read");
  const limit = pageSize(filter.limit);
  const keys = [
    { column: contacts.name, direction: "asc" as const },
    { column: contacts.id, direction: "asc" as const },
  ];
  const q = filter.q?.trim();
  const rows = await ctx.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, ctx.workspaceId),
        isNull(contacts.mergedIntoId),
        q
          ? or(
              ilike(contacts.name, `%${escapeLike(q)}%`),
              inArray(
                contacts.id,
                ctx.db
                  .select({ id: contactIdentities.contactId })
                  .from(contactIdentities)
                  .where(
                    and(
                      eq(contactIdentities.workspaceId, ctx.workspaceId),
                      ilike(contactIdentities.value, `${escapeLike(q.toLowerCase())}%`),
                    ),
                  ),
              ),
            )
          : undefined,
        filter.organisationId ? eq(contacts.organisationId, filter.organisationId) : undefined,
        filter.tier ? eq(contacts.tier, filter.tier) : undefined,
        filter.cursor ? afterCursor(keys, decodeCursor(filter.cursor, 2)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(keys))
    .limit(limit + 1);
  const page = toPage(rows, limit, (r) => [r.name, r.id]);
  const full = await getContacts(
    ctx,
    page.items.map((r) => r.id),
  );
  return { ...page, items: page.items.map((r) => full.get(r.id)!) };
}

export async function createContact(ctx: Ctx, input: NewContact): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.write");
  const identities = normaliseAll(input.identities ?? []);
  return inTransaction(ctx, async (tx) => {
    if (input.organisationId) await getOrganisation(tx, input.organisationId);
    const { found, organisationId } = await lookupIdentities(tx, identities);
    if (found.length) throw identityTaken(found[0]!.contact.id);
    return stageContact(tx, input, identities, input.organisationId ?? organisationId);
  });
}

/**
 * Stages a new contact, its identities and its activity — sent with what
 * the transaction writes next (a new fan's ticket: one statement). The rows
 * are returned as they will be stored. An identity another contact took
 * meanwhile fails the statement with `conflict.duplicate`.
 */
async function stageContact(
  tx: Ctx,
  input: NewContact,
  identities: ReturnType<typeof normaliseAll>,
  organisationId: string | null,
): Promise<ContactWithIdentities> {
  const now = tx.clock.now();
  const row: ContactRow = {
    id: newId(),
    workspaceId: tx.workspaceId,
    name: input.name?.trim() || displayNameFor(identities),
    organisationId,
    tier: input.tier ?? "standard",
    locale: input.locale ?? null,
    timezone: input.timezone ?? null,
    notes: input.notes ?? null,
    attributes: input.attributes ?? {},
    mergedIntoId: null,
    createdAt: now,
    updatedAt: now,
  };
  const stored: IdentityRow[] = identities.map((i, n) => ({
    ...i,
    id: newId(),
    workspaceId: tx.workspaceId,
    contactId: row.id,
    isPrimary: n === 0,
    verifiedAt: input.identities?.[n]?.verified ? now : null,
    createdAt: now,
  }));
  await stageRows(tx, contacts, [row]);
  await stageRows(tx, contactIdentities, stored);
  await recordActivity(tx, {
    type: "contact.created",
    subjectType: "contact",
    subjectId: row.id,
    data: { identities: identities.map((i) => `${i.kind}:${i.value}`) },
  });
  createdHere(tx)?.set(row.id, { ...row });
  return { ...row, identities: stored };
}

const identityTaken = (contactId?: string) =>
  new DomainError("conflict.duplicate", "An identity already belongs to another contact", contactId ? { contactId } : {}, [
    { path: "identities", message: "already belongs to another contact; merge the contacts instead" },
  ]);

async function insertIdentities(
  ctx: Ctx,
  contactId: string,
  identities: ReturnType<typeof normaliseAll>,
  raw: IdentityInput[],
): Promise<IdentityRow[]> {
  if (identities.length === 0) return [];
  const now = ctx.clock.now();
  const inserted = await ctx.db
    .insert(contactIdentities)
    .values(
      identities.map((i, n) => ({
        ...i,
        id: newId(),
        workspaceId: ctx.workspaceId,
        contactId,
        isPrimary: n === 0,
        verifiedAt: raw[n]?.verified ? now : null,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (inserted.length !== identities.length) throw identityTaken();
  return inserted;
}

export async function updateContact(ctx: Ctx, id: string, patch: ContactPatch): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.write");
  return inTransaction(ctx, async (tx) => {
    const before = await getContact(tx, id);
    if (patch.organisationId) await getOrganisation(tx, patch.organisationId);
    const changes = diff(before as unknown as Record<string, unknown>, patch);
    if (Object.keys(changes).length === 0) return before;
    forgetContacts(tx);
    await tx.db
      .update(contacts)
      .set({ ...patch, updatedAt: tx.clock.now() })
      .where(and(eq(contacts.workspaceId, tx.workspaceId), eq(contacts.id, id)));
    await recordActivity(tx, { type: "contact.updated", subjectType: "contact", subjectId: id, changes });
    return getContact(tx, id);
  });
}

export async function addIdentity(ctx: Ctx, contactId: string, identity: IdentityInput): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.write");
  const [normalised] = normaliseAll([identity]);
  return inTransaction(ctx, async (tx) => {
    await getContact(tx, contactId);
    const owner = await findContactIdByIdentity(tx, normalised!);
    if (owner === contactId) return getContact(tx, contactId);
    if (owner) {
      throw new DomainError("conflict.duplicate", "This identity belongs to another contact; merge the two contacts instead", {
        contactId: owner,
      });
    }
    await insertIdentities(tx, contactId, [normalised!], [identity]);
    await recordActivity(tx, {
      type: "contact.identity_added",
      subjectType: "contact",
      subjectId: contactId,
      data: { kind: normalised!.kind, provider: normalised!.provider, value: normalised!.value },
    });
    return getContact(tx, contactId);
  });
}

export async function removeIdentity(ctx: Ctx, contactId: string, identityId: string): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.write");
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(contactIdentities)
      .where(
        and(
          eq(contactIdentities.workspaceId, tx.workspaceId),
          eq(contactIdentities.contactId, contactId),
          eq(contactIdentities.id, identityId),
        ),
      )
      .returning();
    if (!row) throw notFound("identity", identityId);
    await recordActivity(tx, {
      type: "contact.identity_removed",
      subjectType: "contact",
      subjectId: contactId,
      data: { kind: row.kind, provider: row.provider, value: row.value },
    });
    return getContact(tx, contactId);
  });
}

async function findContactIdByIdentity(
  ctx: Ctx,
  identity: { kind: IdentityKind; provider: string; value: string },
): Promise<string | undefined> {
  const [row] = await ctx.db
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.workspaceId, ctx.workspaceId),
        eq(contactIdentities.kind, identity.kind),
        eq(contactIdentities.provider, identity.provider),
        eq(contactIdentities.value, identity.value),
      ),
    );
  return row?.contactId;
}

export async function findContactByIdentity(ctx: Ctx, identity: IdentityInput): Promise<ContactWithIdentities | undefined> {
  const normalised = normaliseIdentity(identity);
  if (!normalised) return undefined;
  const id = await findContactIdByIdentity(ctx, normalised);
  return id ? getContact(ctx, id) : undefined;
}

interface Lookup {
  workspaceId: string;
  identities: { kind: IdentityKind; provider: string; value: string }[];
}
interface LookupResult {
  found: { identity: IdentityRow; contact: ContactRow }[];
  organisationId: string | null;
}

/**
 * Every identity of every contact any of the given identities belongs to,
 * with the contact — and, should there be none, the organisation a new
 * contact's e-mail domain belongs to. One query for any number of lookups
 * (its text never changes, so it is prepared once per connection): the
 * lookups of requests made at the same moment go together (read-group.ts).
 */
const identityLookups = new ReadGroup<Lookup, LookupResult>(async (db, lookups) => {
  // A row per identity. Every probe is a subquery on an index, run per row: PostgreSQL
  // guesses an input set at 100 rows, and joined with it, a generic plan made while the
  // table was young scans the table whole, and goes on doing so as it grows.
  const input = lookups.flatMap((l, n) =>
    l.identities.map((i) => ({ n, workspace_id: l.workspaceId, kind: i.kind, provider: i.provider, value: i.value, domain: i.kind === "email" ? i.value.split("@")[1] : null })),
  );
  const rows = await query<{ n: number; found: unknown; organisation_id: string | null }>(
    db,
    sql`select r.n,
      (select coalesce(json_agg(json_build_object('identity', row_to_json(i), 'contact', (select row_to_json(c) from ${contacts} c where c.id = i.contact_id)) order by i.created_at), '[]'::json)
         from ${contactIdentities} i
        where i.contact_id = (select m.contact_id from ${contactIdentities} m
                               where m.workspace_id = r.workspace_id and m.kind = r.kind and m.provider = r.provider and m.value = r.value)) as found,
      (select o.id from ${organisations} o where o.workspace_id = r.workspace_id and o.domains && array[r.domain] order by o.name limit 1) as organisation_id
    from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as r(n int, workspace_id uuid, kind identity_kind, provider text, value text, domain text)`,
  );
  const results: LookupResult[] = lookups.map(() => ({ found: [], organisationId: null }));
  for (const row of rows) {
    const result = results[row.n]!;
    result.organisationId ??= row.organisation_id;
    const json = (typeof row.found === "string" ? JSON.parse(row.found) : row.found) as Record<string, Record<string, unknown>>[];
    for (const f of json) {
      // Two identities of one contact find the same rows.
      if (result.found.some((seen) => seen.identity.id === f.identity!.id)) continue;
      result.found.push({
        identity: fromJsonRow(contactIdentities, f.identity!) as IdentityRow,
        contact: fromJsonRow(contacts, f.contact!) as ContactRow,
      });
    }
  }
  return results;
});

function lookupIdentities(tx: Ctx, identities: ReturnType<typeof normaliseAll>): Promise<LookupResult> {
  if (identities.length === 0) return Promise.resolve({ found: [], organisationId: null });
  return identityLookups.load(tx, {
    workspaceId: tx.workspaceId,
    identities: identities.map(({ kind, provider, value }) => ({ kind, provider, value })),
  });
}

/**
 * The contact behind any of these identities, or a new one. Identities the
 * contact did not have yet are added, so the same person writing from e-mail
 * today and WhatsApp tomorrow is one contact once both are known together.
 */
export async function findOrCreateContact(
  ctx: Ctx,
  input: { identities: IdentityInput[]; name?: string; locale?: string | null },
): Promise<{ contact: ContactWithIdentities; created: boolean }> {
  const identities = normaliseAll(input.identities);
  if (identities.length === 0) throw invalid([{ path: "identities", message: "at least one identity is needed" }]);
  return inTransaction(ctx, async (tx) => {
    const { found, organisationId } = await lookupIdentities(tx, identities);
    if (found.length === 0) {
      authorize(tx.actor, "contact.write");
      const created = await stageContact(tx, { name: input.name, identities: input.identities, locale: input.locale }, identities, organisationId);
      return { contact: created, created: true };
    }
    const same = (a: { kind: string; provider: string; value: string }, b: { kind: string; provider: string; value: string }) =>
      a.kind === b.kind && a.provider === b.provider && a.value === b.value;
    // Prefer the contact found by the first identity given (the channel's own).
    const first = identities.find((i) => found.some((f) => same(f.identity, i)))!;
    const contact = found.find((f) => same(f.identity, first))!.contact;
    readHere(tx)?.set(contact.id, { ...contact });
    const own = found.filter((f) => f.contact.id === contact.id).map((f) => f.identity);
    const missing = identities.filter((i) => !found.some((f) => same(f.identity, i)));
    if (missing.length) {
      const now = tx.clock.now();
      const added = missing.map((i) => ({ ...i, id: newId(), workspaceId: tx.workspaceId, contactId: contact.id, isPrimary: false, verifiedAt: null, createdAt: now }));
      await stage(tx, tx.db.insert(contactIdentities).values(added).onConflictDoNothing());
      await recordActivities(
        tx,
        missing.map((i) => ({
          type: "contact.identity_added",
          subjectType: "contact",
          subjectId: contact.id,
          data: { kind: i.kind, provider: i.provider, value: i.value },
        })),
      );
      own.push(...added);
    }
    return { contact: { ...contact, identities: own }, created: false };
  });
}

/**
 * Folds `sourceId` into `targetId`: identities move, the source is marked
 * merged. Tickets follow through the `contact.merged` activity (the tickets
 * module owns them).
 */
export async function mergeContacts(ctx: Ctx, targetId: string, sourceId: string): Promise<ContactWithIdentities> {
  authorize(ctx.actor, "contact.merge");
  if (targetId === sourceId) throw new DomainError("contact.merge_invalid", "A contact cannot be merged into itself");
  return inTransaction(ctx, async (tx) => {
    const [target, source] = [await getContact(tx, targetId), await getContact(tx, sourceId)];
    if (target.mergedIntoId || source.mergedIntoId)
      throw new DomainError("contact.merge_invalid", "One of the contacts was already merged");
    await tx.db
      .update(contactIdentities)
      .set({ contactId: targetId, isPrimary: false })
      .where(and(eq(contactIdentities.workspaceId, tx.workspaceId), eq(contactIdentities.contactId, sourceId)));
    const now = tx.clock.now();
    forgetContacts(tx);
    await tx.db
      .update(contacts)
      .set({ mergedIntoId: targetId, updatedAt: now })
      .where(and(eq(contacts.workspaceId, tx.workspaceId), eq(contacts.id, sourceId)));
    // Fill gaps in the target from the source; the target's own values win.
    const fill: Partial<ContactRow> = {};
    if (!target.organisationId && source.organisationId) fill.organisationId = source.organisationId;
    if (!target.locale && source.locale) fill.locale = source.locale;
    if (!target.timezone && source.timezone) fill.timezone = source.timezone;
    if (target.tier === "standard" && source.tier !== "standard") fill.tier = source.tier;
    await tx.db
      .update(contacts)
      .set({ ...fill, updatedAt: now })
      .where(and(eq(contacts.workspaceId, tx.workspaceId), eq(contacts.id, targetId)));
    await recordActivity(tx, {
      type: "contact.merged",
      subjectType: "contact",
      subjectId: targetId,
      data: { sourceId, targetId, identities: source.identities.map((i) => `${i.kind}:${i.value}`) },
    });
    return getContact(tx, targetId);
  });
}

// ------------------------------------------------------------------ organisations

export async function getOrganisation(ctx: Ctx, id: string): Promise<OrganisationRow> {
  authorize(ctx.actor, "contact.read");
  const [row] = await ctx.db
    .select()
    .from(organisations)
    .where(and(eq(organisations.workspaceId, ctx.workspaceId), eq(organisations.id, id)));
  if (!row) throw notFound("organisation", id);
  return row;
}

export async function listOrganisations(ctx: Ctx, filter: { q?: string; tier?: ContactTier; cursor?: string; limit?: number } = {}) {
  authorize(ctx.actor, "contact.read");
  const limit = pageSize(filter.limit);
  const keys = [
    { column: organisations.name, direction: "asc" as const },
    { column: organisations.id, direction: "asc" as const },
  ];
  const rows = await ctx.db
    .select()
    .from(organisations)
    .where(
      and(
        eq(organisations.workspaceId, ctx.workspaceId),
        filter.q ? ilike(organisations.name, `%${escapeLike(filter.q)}%`) : undefined,
        filter.tier ? eq(organisations.tier, filter.tier) : undefined,
        filter.cursor ? afterCursor(keys, decodeCursor(filter.cursor, 2)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(keys))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => [r.name, r.id]);
}

export type OrganisationInput = Pick<OrganisationRow, "name"> & Partial<Pick<OrganisationRow, "domains" | "tier" | "notes">>;

function cleanDomains(domains: string[] | undefined): string[] | undefined {
  if (!domains) return undefined;
  const out = domains.map((d) => d.trim().toLowerCase().replace(/^@/, ""));
  const bad = out.findIndex((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
  if (bad >= 0) throw invalid([{ path: `domains.${bad}`, message: "not a domain name" }]);
  return [...new Set(out)];
}

export async function createOrganisation(ctx: Ctx, input: OrganisationInput): Promise<OrganisationRow> {
  authorize(ctx.actor, "contact.write");
  const domains = cleanDomains(input.domains) ?? [];
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(organisations)
      .values({ ...input, domains, id: newId(), workspaceId: tx.workspaceId, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DomainError("conflict.duplicate", `An organisation named ${input.name} already exists`);
    await recordActivity(tx, { type: "organisation.created", subjectType: "organisation", subjectId: row.id, data: { name: row.name } });
    return row;
  });
}

export async function updateOrganisation(ctx: Ctx, id: string, patch: Partial<OrganisationInput>): Promise<OrganisationRow> {
  authorize(ctx.actor, "contact.write");
  const domains = cleanDomains(patch.domains);
  return inTransaction(ctx, async (tx) => {
    const before = await getOrganisation(tx, id);
    const next = { ...patch, ...(domains ? { domains } : {}) };
    const changes = diff(before, next);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.db
      .update(organisations)
      .set({ ...next, updatedAt: tx.clock.now() })
      .where(and(eq(organisations.workspaceId, tx.workspaceId), eq(organisations.id, id)))
      .returning();
    await recordActivity(tx, { type: "organisation.updated", subjectType: "organisation", subjectId: id, changes });
    return row!;
  });
}

/**
 * Contacts behind many e-mail addresses and phone numbers at once (commerce
 * matches imported orders to fans): normalised "kind:value" → contact id.
 * One query however many are asked.
 */
export async function findContactIdsByIdentities(ctx: Ctx, identities: IdentityInput[]): Promise<Map<string, string>> {
  const wanted = identities.map(normaliseIdentity).filter((i) => i !== undefined);
  if (wanted.length === 0) return new Map();
  const rows = await ctx.db
    .select({ kind: contactIdentities.kind, value: contactIdentities.value, contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.workspaceId, ctx.workspaceId),
        eq(contactIdentities.provider, ""),
        inArray(contactIdentities.value, [...new Set(wanted.map((i) => i.value))]),
      ),
    );
  return new Map(rows.map((r) => [`${r.kind}:${r.value}`, r.contactId]));
}
