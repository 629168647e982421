import { and, asc, desc, eq, ilike, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { type FieldProblem, invalid } from "../../platform/errors";
import { escapeLike } from "../../platform/sql";
import { authorize } from "../identity/policy";
import { tags, tickets } from "./schema";

/** Tags are lower-case words: spaces become underscores; letters in any script, digits and _ - : . are kept. */
export function normaliseTag(tag: string): string | undefined {
  const t = tag.trim().toLowerCase().replace(/\s+/g, "_");
  return /^[\p{L}\p{N}_\-:.]{1,64}$/u.test(t) ? t : undefined;
}

export function normaliseTags(tags: readonly string[], path = "tags"): string[] {
  const problems: FieldProblem[] = [];
  const out = new Set<string>();
  tags.forEach((tag, i) => {
    const t = normaliseTag(tag);
    if (t) out.add(t);
    else problems.push({ path: `${path}.${i}`, message: "a tag is 1–64 letters, digits, _ - : or ." });
  });
  if (problems.length) throw invalid(problems);
  if (out.size > 50) throw invalid([{ path, message: "at most 50 tags" }]);
  return [...out].sort();
}

// ------------------------------------------------------------------ the catalogue

export async function listTags(ctx: Ctx, options: { q?: string; limit?: number } = {}) {
  authorize(ctx.actor, "ticket.read");
  return ctx.db
    .select({ name: tags.name, description: tags.description, ticketCount: tags.ticketCount })
    .from(tags)
    .where(and(eq(tags.workspaceId, ctx.workspaceId), options.q ? ilike(tags.name, `${escapeLike(options.q.toLowerCase())}%`) : undefined))
    .orderBy(desc(tags.ticketCount), asc(tags.name))
    .limit(Math.min(options.limit ?? 100, 500));
}

export async function describeTag(ctx: Ctx, name: string, description: string | null) {
  authorize(ctx.actor, "tags.manage");
  const tag = normaliseTag(name);
  if (!tag) throw invalid([{ path: "name", message: "not a valid tag" }]);
  const [row] = await ctx.db
    .insert(tags)
    .values({ workspaceId: ctx.workspaceId, name: tag, description, createdAt: ctx.clock.now() })
    .onConflictDoUpdate({ target: [tags.workspaceId, tags.name], set: { description } })
    .returning({ name: tags.name, description: tags.description, ticketCount: tags.ticketCount });
  return row!;
}

/** Recounts the catalogue from the tickets themselves (after an import). */
export async function rebuildTagCatalogue(ctx: Ctx): Promise<void> {
  authorize(ctx.actor, "tags.manage");
  await ctx.db.execute(sql`
    insert into ${tags} (workspace_id, name, ticket_count, created_at)
    select ${ctx.workspaceId}, tag, count(*)::int, ${ctx.clock.now()}
    from ${tickets}, unnest(${tickets.tags}) as tag
    where ${tickets.workspaceId} = ${ctx.workspaceId}
    group by tag
    on conflict (workspace_id, name) do update set ticket_count = excluded.ticket_count`);
}
