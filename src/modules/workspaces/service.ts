import { eq, sql } from "drizzle-orm";
import type { Clock } from "../../platform/clock";
import { type Db, query } from "../../platform/db";
import { DomainError, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { prepareTicketNumbers } from "../tickets/numbers";
import { type WorkspaceRow, workspaces } from "./schema";

export interface NewWorkspace {
  slug: string;
  name: string;
  defaultLocale?: string;
  timezone?: string;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** A workspace is a tenant: created by the CLI or an operator, never by a tenant's own agents. */
export async function createWorkspace(db: Db, clock: Clock, input: NewWorkspace): Promise<WorkspaceRow> {
  if (!SLUG.test(input.slug)) {
    throw new DomainError("validation.failed", "A workspace slug is 1–48 lower-case letters, digits and dashes", {}, [
      { path: "slug", message: "use lower-case letters, digits and dashes" },
    ]);
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workspaces)
      .values({
        id: newId(),
        slug: input.slug,
        name: input.name,
        defaultLocale: input.defaultLocale ?? "en",
        timezone: input.timezone ?? "UTC",
        createdAt: clock.now(),
      })
      .returning();
    await prepareTicketNumbers(tx, row!.id);
    return row!;
  });
}

export async function getWorkspace(db: Db, id: string): Promise<WorkspaceRow> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  if (!row) throw notFound("workspace", id);
  return row;
}

export async function findWorkspaceBySlug(db: Db, slug: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
  return row;
}

export async function listWorkspaces(db: Db): Promise<WorkspaceRow[]> {
  return db.select().from(workspaces).orderBy(workspaces.createdAt);
}

export async function countWorkspaces(db: Db): Promise<number> {
  const [row] = await query<{ n: number }>(db, sql`select count(*)::int as n from workspaces`);
  return row?.n ?? 0;
}
