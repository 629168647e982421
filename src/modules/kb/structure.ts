import { and, asc, eq, ne } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { diff, recordActivity } from "../activity/service";
import { getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import {
  type HelpCenterRow,
  type KbCategoryRow,
  type KbSectionRow,
  type Translated,
  helpCenters,
  kbCategories,
  kbFiles,
  kbSections,
} from "./schema";
import { CONTENT_LOCALE } from "./text";

/**
 * The shape of a desk's knowledge base — help-center branding, categories
 * and sections. Changing it is a supervisor's or admin's work (`kb.manage`).
 */

export interface HelpCenterSettings {
  enabled?: boolean;
  title?: Translated;
  tagline?: Translated;
  color?: string;
  logoFileId?: string | null;
  locales?: string[];
  hostname?: string | null;
}

/** The desk's help-center settings; defaults when none were saved yet. */
export async function getHelpCenter(ctx: Ctx, deskId: string): Promise<HelpCenterRow> {
  const desk = await getDesk(ctx, deskId);
  const [row] = await ctx.db
    .select()
    .from(helpCenters)
    .where(and(eq(helpCenters.workspaceId, ctx.workspaceId), eq(helpCenters.deskId, deskId)));
  return (
    row ?? {
      deskId,
      workspaceId: ctx.workspaceId,
      enabled: true,
      title: {},
      tagline: {},
      color: "#4338ca",
      logoFileId: null,
      locales: [desk.defaultLanguage],
      hostname: null,
      updatedAt: desk.createdAt,
    }
  );
}

export async function updateHelpCenter(ctx: Ctx, deskId: string, input: HelpCenterSettings): Promise<HelpCenterRow> {
  authorize(ctx.actor, "kb.manage");
  const problems = [];
  if (input.color !== undefined && !/^#[0-9a-f]{6}$/i.test(input.color)) problems.push({ path: "color", message: "a colour as #rrggbb" });
  if (input.locales !== undefined) {
    if (input.locales.length === 0) problems.push({ path: "locales", message: "at least one locale" });
    input.locales.forEach((l, i) => CONTENT_LOCALE.test(l) || problems.push({ path: `locales.${i}`, message: "an ISO 639 language code" }));
  }
  const hostname = input.hostname === undefined ? undefined : input.hostname?.trim().toLowerCase() || null;
  if (hostname && !/^[a-z0-9.-]{1,253}$/.test(hostname))
    problems.push({ path: "hostname", message: "a host name such as help.example.com" });
  if (problems.length) throw invalid(problems);
  return inTransaction(ctx, async (tx) => {
    const before = await getHelpCenter(tx, deskId);
    if (input.logoFileId) {
      const [file] = await tx.db
        .select({ contentType: kbFiles.contentType })
        .from(kbFiles)
        .where(and(eq(kbFiles.workspaceId, tx.workspaceId), eq(kbFiles.deskId, deskId), eq(kbFiles.id, input.logoFileId)));
      if (!file?.contentType.startsWith("image/")) throw invalid([{ path: "logoFileId", message: "an image uploaded to this desk" }]);
    }
    if (hostname) {
      // A host name belongs to one workspace: requests on it must resolve without ambiguity.
      const [taken] = await tx.db
        .select({ deskId: helpCenters.deskId })
        .from(helpCenters)
        .where(and(eq(helpCenters.hostname, hostname), ne(helpCenters.workspaceId, tx.workspaceId)))
        .limit(1);
      if (taken)
        throw new DomainError("conflict.duplicate", "Another workspace serves its help center on this host name", {}, [
          { path: "hostname", message: "already in use" },
        ]);
    }
    const next: HelpCenterRow = {
      ...before,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      ...(hostname !== undefined ? { hostname } : {}),
      locales: input.locales ? [...new Set(input.locales)] : before.locales,
      updatedAt: tx.clock.now(),
    };
    const [row] = await tx.db
      .insert(helpCenters)
      .values(next)
      .onConflictDoUpdate({ target: helpCenters.deskId, set: { ...next, deskId: undefined } as never })
      .returning();
    const { updatedAt: _a, ...b } = before;
    const { updatedAt: _b, ...n } = next;
    await recordActivity(tx, { type: "help_center.updated", subjectType: "desk", subjectId: deskId, changes: diff(b, n) });
    return row!;
  });
}

// ------------------------------------------------------------------ categories and sections

export interface NewKbCategory {
  key: string;
  name: Translated;
  description?: Translated;
  position?: number;
}

export async function listKbCategories(ctx: Ctx, deskId: string): Promise<KbCategoryRow[]> {
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(kbCategories)
    .where(and(eq(kbCategories.workspaceId, ctx.workspaceId), eq(kbCategories.deskId, deskId)))
    .orderBy(asc(kbCategories.position), asc(kbCategories.key));
}

export async function createKbCategory(ctx: Ctx, deskId: string, input: NewKbCategory): Promise<KbCategoryRow> {
  authorize(ctx.actor, "kb.manage");
  assertNamed(input.name);
  return inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    const [row] = await tx.db
      .insert(kbCategories)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        deskId,
        key: input.key,
        name: input.name,
        description: input.description ?? {},
        position: input.position ?? 0,
        createdAt: tx.clock.now(),
      })
      .returning();
    await recordActivity(tx, {
      type: "kb_category.created",
      subjectType: "kb_category",
      subjectId: row!.id,
      data: { deskId, key: input.key },
    });
    return row!;
  });
}

export async function updateKbCategory(ctx: Ctx, id: string, patch: Partial<NewKbCategory>): Promise<KbCategoryRow> {
  authorize(ctx.actor, "kb.manage");
  if (patch.name) assertNamed(patch.name);
  return inTransaction(ctx, async (tx) => {
    const before = await getKbCategory(tx, id);
    const changes = diff(before, patch);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.db
      .update(kbCategories)
      .set(patch)
      .where(and(eq(kbCategories.workspaceId, tx.workspaceId), eq(kbCategories.id, id)))
      .returning();
    await recordActivity(tx, { type: "kb_category.updated", subjectType: "kb_category", subjectId: id, changes });
    return row!;
  });
}

export async function getKbCategory(ctx: Ctx, id: string): Promise<KbCategoryRow> {
  const [row] = await ctx.db
    .select()
    .from(kbCategories)
    .where(and(eq(kbCategories.workspaceId, ctx.workspaceId), eq(kbCategories.id, id)));
  if (!row) throw notFound("category", id);
  await getDesk(ctx, row.deskId).catch(() => {
    throw notFound("category", id);
  });
  return row;
}

export interface NewKbSection {
  categoryId: string;
  key: string;
  name: Translated;
  position?: number;
}

export async function listKbSections(ctx: Ctx, deskId: string): Promise<KbSectionRow[]> {
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(kbSections)
    .where(and(eq(kbSections.workspaceId, ctx.workspaceId), eq(kbSections.deskId, deskId)))
    .orderBy(asc(kbSections.position), asc(kbSections.key));
}

export async function createKbSection(ctx: Ctx, input: NewKbSection): Promise<KbSectionRow> {
  authorize(ctx.actor, "kb.manage");
  assertNamed(input.name);
  return inTransaction(ctx, async (tx) => {
    const category = await getKbCategory(tx, input.categoryId).catch(() => {
      throw invalid([{ path: "categoryId", message: "no such category" }]);
    });
    const [row] = await tx.db
      .insert(kbSections)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        deskId: category.deskId,
        categoryId: category.id,
        key: input.key,
        name: input.name,
        position: input.position ?? 0,
        createdAt: tx.clock.now(),
      })
      .returning();
    await recordActivity(tx, {
      type: "kb_section.created",
      subjectType: "kb_section",
      subjectId: row!.id,
      data: { categoryId: category.id, key: input.key },
    });
    return row!;
  });
}

export async function getKbSection(ctx: Ctx, id: string): Promise<KbSectionRow> {
  const [row] = await ctx.db
    .select()
    .from(kbSections)
    .where(and(eq(kbSections.workspaceId, ctx.workspaceId), eq(kbSections.id, id)));
  if (!row) throw notFound("section", id);
  await getDesk(ctx, row.deskId).catch(() => {
    throw notFound("section", id);
  });
  return row;
}

function assertNamed(name: Translated) {
  const problems = Object.entries(name)
    .filter(([locale, value]) => !CONTENT_LOCALE.test(locale) || !value.trim() || value.length > 200)
    .map(([locale]) => ({ path: `name.${locale}`, message: "a locale code and a name of 1–200 characters" }));
  if (Object.keys(name).length === 0) problems.push({ path: "name", message: "a name in at least one locale" });
  if (problems.length) throw invalid(problems);
}
