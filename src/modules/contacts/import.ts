import { type Ctx, inTransaction } from "../../platform/context";
import { newId } from "../../platform/ids";
import { authorize } from "../identity/policy";
import { type ContactTier, contactIdentities, contacts } from "./schema";
import { type IdentityInput, normaliseIdentity } from "./service";

export interface ImportedContact {
  name: string;
  tier?: ContactTier;
  locale?: string | null;
  timezone?: string | null;
  organisationId?: string | null;
  identities: IdentityInput[];
  createdAt?: Date;
}

/**
 * Bulk contact import (demo data, migrations). Identities already known in
 * the workspace are skipped rather than failing the batch.
 */
export async function importContacts(ctx: Ctx, items: ImportedContact[]): Promise<string[]> {
  authorize(ctx.actor, "workspace.admin");
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 500) {
    const batch = items.slice(i, i + 500);
    await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const rows = batch.map((c) => ({
        id: newId(),
        workspaceId: tx.workspaceId,
        name: c.name,
        tier: c.tier ?? "standard",
        locale: c.locale ?? null,
        timezone: c.timezone ?? null,
        organisationId: c.organisationId ?? null,
        createdAt: c.createdAt ?? now,
        updatedAt: c.createdAt ?? now,
      }));
      await tx.db.insert(contacts).values(rows);
      const identities = batch.flatMap((c, n) =>
        c.identities
          .map((identity) => normaliseIdentity(identity))
          .filter((x) => x !== undefined)
          .map((identity, k) => ({
            ...identity,
            id: newId(),
            workspaceId: tx.workspaceId,
            contactId: rows[n]!.id,
            isPrimary: k === 0,
            createdAt: rows[n]!.createdAt,
          })),
      );
      if (identities.length) await tx.db.insert(contactIdentities).values(identities).onConflictDoNothing();
      ids.push(...rows.map((r) => r.id));
    });
  }
  return ids;
}
