import { and, asc, eq, isNull } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import type { Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { diff, recordActivity } from "../activity/service";
import { assertDeskAccess, authorize, deskFilter } from "../identity/policy";
import { bumpConfigVersion, cachedConfig } from "../sla/settings";
import { deskAddressesChanged } from "./address-cache";
import { normaliseAddress } from "./addresses";
import {
  type CategoryRow,
  type CustomFieldRow,
  type DeskAddressRow,
  type DeskRow,
  categories,
  customFields,
  deskAddresses,
  desks,
} from "./schema";

export type NewDesk = Pick<DeskRow, "key" | "name"> & Partial<Pick<DeskRow, "kind" | "defaultLanguage" | "timezone" | "description">>;
export type DeskPatch = Partial<Pick<DeskRow, "name" | "kind" | "defaultLanguage" | "timezone" | "description">> & { archived?: boolean };

// ------------------------------------------------------------------ desks

export async function listDesks(ctx: Ctx, options: { includeArchived?: boolean } = {}): Promise<DeskRow[]> {
  authorize(ctx.actor, "directory.read");
  return ctx.db
    .select()
    .from(desks)
    .where(
      and(
        eq(desks.workspaceId, ctx.workspaceId),
        deskFilter(ctx.actor, desks.id),
        options.includeArchived ? undefined : isNull(desks.archivedAt),
      ),
    )
    .orderBy(asc(desks.name));
}

/**
 * A desk is configuration: read on every new ticket, changed by an admin now
 * and then. Kept with the rest of the workspace's configuration (see
 * sla/settings.ts); `updateDesk` bumps its version.
 */
export async function getDesk(ctx: Ctx, id: string): Promise<DeskRow> {
  const row = await cachedConfig(ctx, `desk:${id}`, async () => {
    const [found] = await ctx.db
      .select()
      .from(desks)
      .where(and(eq(desks.workspaceId, ctx.workspaceId), eq(desks.id, id)));
    return found;
  });
  if (!row) throw notFound("desk", id);
  assertDeskAccess(ctx.actor, row.id, () => notFound("desk", id));
  return { ...row };
}

export async function findDeskByKey(ctx: Ctx, key: string): Promise<DeskRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(desks)
    .where(and(eq(desks.workspaceId, ctx.workspaceId), eq(desks.key, key)));
  return row;
}

export async function createDesk(ctx: Ctx, input: NewDesk): Promise<DeskRow> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(desks)
      .values({ ...input, id: newId(), workspaceId: tx.workspaceId, createdAt: tx.clock.now() })
      .returning();
    await recordActivity(tx, { type: "desk.created", subjectType: "desk", subjectId: row!.id, data: { key: row!.key, name: row!.name } });
    return row!;
  });
}

export async function updateDesk(ctx: Ctx, id: string, patch: DeskPatch): Promise<DeskRow> {
  authorize(ctx.actor, "workspace.admin");
  // Intake keeps each address with its desk (archived? language?): it reads them again.
  return afterAddressChange(inTransaction(ctx, async (tx) => {
    const before = await getDesk(tx, id);
    const { archived, ...fields } = patch;
    const next = { ...fields, ...(archived === undefined ? {} : { archivedAt: archived ? (before.archivedAt ?? tx.clock.now()) : null }) };
    const changes = diff(before, next);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.db
      .update(desks)
      .set(next)
      .where(and(eq(desks.workspaceId, tx.workspaceId), eq(desks.id, id)))
      .returning();
    await recordActivity(tx, { type: "desk.updated", subjectType: "desk", subjectId: id, changes });
    await bumpConfigVersion(tx);
    return row!;
  }));
}

// ------------------------------------------------------------------ addresses

/**
 * Intake caches addresses (address-cache.ts): after a change here they are read
 * again — also when the change failed, which costs one read and is never wrong.
 */
function afterAddressChange<T>(change: Promise<T>): Promise<T> {
  return change.finally(deskAddressesChanged);
}

export async function listDeskAddresses(ctx: Ctx, deskId: string): Promise<DeskAddressRow[]> {
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(deskAddresses)
    .where(and(eq(deskAddresses.workspaceId, ctx.workspaceId), eq(deskAddresses.deskId, deskId)))
    .orderBy(asc(deskAddresses.channel), asc(deskAddresses.address));
}

export async function addDeskAddress(
  ctx: Ctx,
  deskId: string,
  input: Pick<DeskAddressRow, "channel" | "address"> & Partial<Pick<DeskAddressRow, "displayName" | "settings">>,
): Promise<DeskAddressRow> {
  authorize(ctx.actor, "workspace.admin");
  const address = normaliseAddress(input.channel, input.address);
  if (!address) throw invalid([{ path: "address", message: `not a valid ${input.channel} address` }]);
  return afterAddressChange(inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    const [row] = await tx.db
      .insert(deskAddresses)
      .values({ ...input, address, id: newId(), workspaceId: tx.workspaceId, deskId, createdAt: tx.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DomainError("conflict.duplicate", `${input.channel} address ${address} already feeds a desk`);
    await recordActivity(tx, {
      type: "desk.address_added",
      subjectType: "desk",
      subjectId: deskId,
      data: { channel: row.channel, address },
    });
    return row;
  }));
}

/**
 * Changes an address's display name or settings without changing its id (the
 * id is in providers' webhook URLs). Settings are merged key by key, so a
 * secret is rotated by sending only it; `null` removes a key. The activity
 * names the keys changed, never their values.
 */
export async function updateDeskAddress(
  ctx: Ctx,
  deskId: string,
  addressId: string,
  patch: { displayName?: string | null; settings?: Record<string, unknown> },
): Promise<DeskAddressRow> {
  authorize(ctx.actor, "workspace.admin");
  return afterAddressChange(inTransaction(ctx, async (tx) => {
    const [before] = await tx.db
      .select()
      .from(deskAddresses)
      .where(and(eq(deskAddresses.workspaceId, tx.workspaceId), eq(deskAddresses.deskId, deskId), eq(deskAddresses.id, addressId)))
      .for("update");
    if (!before) throw notFound("address", addressId);
    const settings = { ...before.settings };
    for (const [key, value] of Object.entries(patch.settings ?? {})) {
      if (value === null) delete settings[key];
      else settings[key] = value;
    }
    const [row] = await tx.db
      .update(deskAddresses)
      .set({ settings, ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}) })
      .where(and(eq(deskAddresses.workspaceId, tx.workspaceId), eq(deskAddresses.id, addressId)))
      .returning();
    await recordActivity(tx, {
      type: "desk.address_updated",
      subjectType: "desk",
      subjectId: deskId,
      data: { channel: before.channel, address: before.address, settingsChanged: Object.keys(patch.settings ?? {}), displayName: patch.displayName !== undefined },
    });
    return row!;
  }));
}

/**
 * The desk an inbound message is for, across workspaces (addresses are unique
 * across all of them, since traffic is routed by them). Called by intake
 * before it knows the workspace; no actor is involved.
 */
export async function resolveDeskAddress(
  db: Db,
  channel: DeskAddressRow["channel"],
  value: string,
): Promise<{ address: DeskAddressRow; desk: DeskRow } | undefined> {
  const address = normaliseAddress(channel, value);
  if (!address) return undefined;
  const [row] = await db
    .select({ address: deskAddresses, desk: desks })
    .from(deskAddresses)
    .innerJoin(desks, eq(desks.id, deskAddresses.deskId))
    .where(and(eq(deskAddresses.channel, channel), eq(deskAddresses.address, address)));
  return row;
}

/** Every address of a channel, across workspaces (the IMAP poller's list of mailboxes). */
export async function listAddressesOfChannel(db: Db, channel: DeskAddressRow["channel"]): Promise<DeskAddressRow[]> {
  return db.select().from(deskAddresses).where(eq(deskAddresses.channel, channel));
}

export async function removeDeskAddress(ctx: Ctx, deskId: string, addressId: string): Promise<void> {
  authorize(ctx.actor, "workspace.admin");
  await afterAddressChange(inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(deskAddresses)
      .where(and(eq(deskAddresses.workspaceId, tx.workspaceId), eq(deskAddresses.deskId, deskId), eq(deskAddresses.id, addressId)))
      .returning();
    if (!row) throw notFound("address", addressId);
    await recordActivity(tx, {
      type: "desk.address_removed",
      subjectType: "desk",
      subjectId: deskId,
      data: { channel: row.channel, address: row.address },
    });
  }));
}

// ------------------------------------------------------------------ categories

export async function listCategories(ctx: Ctx, deskId: string, options: { includeArchived?: boolean } = {}): Promise<CategoryRow[]> {
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(categories)
    .where(
      and(
        eq(categories.workspaceId, ctx.workspaceId),
        eq(categories.deskId, deskId),
        options.includeArchived ? undefined : isNull(categories.archivedAt),
      ),
    )
    .orderBy(asc(categories.position), asc(categories.name));
}

export async function getCategory(ctx: Ctx, id: string): Promise<CategoryRow> {
  const [row] = await ctx.db
    .select()
    .from(categories)
    .where(and(eq(categories.workspaceId, ctx.workspaceId), eq(categories.id, id)));
  if (!row) throw notFound("category", id);
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("category", id));
  return row;
}

export async function createCategory(
  ctx: Ctx,
  deskId: string,
  input: Pick<CategoryRow, "key" | "name"> & Partial<Pick<CategoryRow, "parentId" | "position">>,
): Promise<CategoryRow> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    if (input.parentId) await assertParentInDesk(tx, input.parentId, deskId);
    const [row] = await tx.db
      .insert(categories)
      .values({ ...input, id: newId(), workspaceId: tx.workspaceId, deskId, createdAt: tx.clock.now() })
      .returning();
    await recordActivity(tx, { type: "category.created", subjectType: "category", subjectId: row!.id, data: { deskId, key: row!.key } });
    return row!;
  });
}

export async function updateCategory(
  ctx: Ctx,
  id: string,
  patch: Partial<Pick<CategoryRow, "name" | "parentId" | "position">> & { archived?: boolean },
): Promise<CategoryRow> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    const before = await getCategory(tx, id);
    if (patch.parentId) {
      await assertParentInDesk(tx, patch.parentId, before.deskId);
      await assertNoCycle(tx, id, patch.parentId);
    }
    const { archived, ...fields } = patch;
    const next = { ...fields, ...(archived === undefined ? {} : { archivedAt: archived ? (before.archivedAt ?? tx.clock.now()) : null }) };
    const changes = diff(before, next);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.db
      .update(categories)
      .set(next)
      .where(and(eq(categories.workspaceId, tx.workspaceId), eq(categories.id, id)))
      .returning();
    await recordActivity(tx, { type: "category.updated", subjectType: "category", subjectId: id, changes });
    return row!;
  });
}

async function assertParentInDesk(ctx: Ctx, parentId: string, deskId: string) {
  const parent = await getCategory(ctx, parentId).catch(() => undefined);
  if (!parent || parent.deskId !== deskId) {
    throw invalid([{ path: "parentId", message: "the parent category must exist in the same desk" }]);
  }
}

async function assertNoCycle(ctx: Ctx, id: string, parentId: string) {
  const all = await ctx.db
    .select({ id: categories.id, parentId: categories.parentId })
    .from(categories)
    .where(eq(categories.workspaceId, ctx.workspaceId));
  const parentOf = new Map(all.map((c) => [c.id, c.parentId]));
  for (let at: string | null | undefined = parentId; at; at = parentOf.get(at)) {
    if (at === id) throw new DomainError("category.cycle", "A category cannot be placed under itself or one of its descendants");
  }
}

// ------------------------------------------------------------------ custom fields

export async function listCustomFields(ctx: Ctx, deskId: string, options: { includeArchived?: boolean } = {}): Promise<CustomFieldRow[]> {
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(customFields)
    .where(
      and(
        eq(customFields.workspaceId, ctx.workspaceId),
        eq(customFields.deskId, deskId),
        options.includeArchived ? undefined : isNull(customFields.archivedAt),
      ),
    )
    .orderBy(asc(customFields.position), asc(customFields.key));
}

export type NewCustomField = Pick<CustomFieldRow, "key" | "label" | "type"> &
  Partial<Pick<CustomFieldRow, "required" | "public" | "options" | "validation" | "position">>;

export async function createCustomField(ctx: Ctx, deskId: string, input: NewCustomField): Promise<CustomFieldRow> {
  authorize(ctx.actor, "workspace.admin");
  assertFieldDefinition(input);
  return inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    const [row] = await tx.db
      .insert(customFields)
      .values({ ...input, id: newId(), workspaceId: tx.workspaceId, deskId, createdAt: tx.clock.now() })
      .returning();
    await recordActivity(tx, {
      type: "custom_field.created",
      subjectType: "custom_field",
      subjectId: row!.id,
      data: { deskId, key: row!.key, type: row!.type },
    });
    return row!;
  });
}

export async function updateCustomField(
  ctx: Ctx,
  id: string,
  patch: Partial<Pick<CustomFieldRow, "label" | "required" | "public" | "options" | "validation" | "position">> & { archived?: boolean },
): Promise<CustomFieldRow> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.db
      .select()
      .from(customFields)
      .where(and(eq(customFields.workspaceId, tx.workspaceId), eq(customFields.id, id)));
    if (!before) throw notFound("custom field", id);
    assertDeskAccess(tx.actor, before.deskId, () => notFound("custom field", id));
    assertFieldDefinition({ ...before, ...patch });
    const { archived, ...fields } = patch;
    const next = { ...fields, ...(archived === undefined ? {} : { archivedAt: archived ? (before.archivedAt ?? tx.clock.now()) : null }) };
    const changes = diff(before, next);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.db
      .update(customFields)
      .set(next)
      .where(and(eq(customFields.workspaceId, tx.workspaceId), eq(customFields.id, id)))
      .returning();
    await recordActivity(tx, { type: "custom_field.updated", subjectType: "custom_field", subjectId: id, changes });
    return row!;
  });
}

function assertFieldDefinition(field: NewCustomField) {
  const isChoice = field.type === "select" || field.type === "multiselect";
  const options = field.options ?? [];
  if (isChoice && options.length === 0) throw invalid([{ path: "options", message: "a select field needs at least one option" }]);
  if (!isChoice && options.length > 0) throw invalid([{ path: "options", message: "only select fields have options" }]);
  if (new Set(options.map((o) => o.value)).size !== options.length)
    throw invalid([{ path: "options", message: "option values must be unique" }]);
  const pattern = field.validation?.pattern;
  if (pattern) {
    try {
      new RegExp(pattern, "u");
    } catch {
      throw invalid([{ path: "validation.pattern", message: "not a valid regular expression" }]);
    }
  }
}
