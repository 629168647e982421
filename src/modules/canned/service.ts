import { and, asc, eq, isNull, or } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { forbidden, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { getContact } from "../contacts/service";
import { getDesk } from "../desks/service";
import { assertDeskAccess, authorize, can } from "../identity/policy";
import { getAgent } from "../identity/service";
import { getTicket } from "../tickets/service";
import { type CannedResponseRow, cannedResponses } from "./schema";

export interface CannedInput {
  title: string;
  body: string;
  shortcut?: string | null;
  deskId?: string | null;
  /** Shared with every agent (supervisors and admins), or personal. */
  shared?: boolean;
}

export interface CannedResponse extends CannedResponseRow {
  editable: boolean;
}

/** The placeholders a canned response may use. */
export const PLACEHOLDERS = [
  "requester.name",
  "requester.first_name",
  "requester.email",
  "ticket.number",
  "ticket.subject",
  "agent.name",
  "agent.first_name",
  "desk.name",
] as const;

const agentIdOf = (ctx: Ctx) => (ctx.actor.kind === "agent" ? ctx.actor.agentId : null);
const withEditable = (ctx: Ctx, row: CannedResponseRow): CannedResponse => ({
  ...row,
  editable: row.ownerAgentId === null ? can(ctx.actor, "tags.manage") : row.ownerAgentId === agentIdOf(ctx),
});

export async function listCannedResponses(ctx: Ctx, filter: { deskId?: string; q?: string } = {}): Promise<CannedResponse[]> {
  authorize(ctx.actor, "ticket.read");
  if (filter.deskId) assertDeskAccess(ctx.actor, filter.deskId, () => notFound("desk", filter.deskId));
  const me = agentIdOf(ctx);
  const rows = await ctx.db
    .select()
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.workspaceId, ctx.workspaceId),
        me ? or(isNull(cannedResponses.ownerAgentId), eq(cannedResponses.ownerAgentId, me)) : isNull(cannedResponses.ownerAgentId),
        filter.deskId ? or(isNull(cannedResponses.deskId), eq(cannedResponses.deskId, filter.deskId)) : undefined,
      ),
    )
    .orderBy(asc(cannedResponses.title));
  const q = filter.q?.trim().toLowerCase();
  return rows
    .filter((r) => !q || r.title.toLowerCase().includes(q) || (r.shortcut ?? "").toLowerCase().includes(q))
    .map((r) => withEditable(ctx, r));
}

async function loadOwn(ctx: Ctx, id: string, forWrite: boolean): Promise<CannedResponseRow> {
  const [row] = await ctx.db
    .select()
    .from(cannedResponses)
    .where(and(eq(cannedResponses.workspaceId, ctx.workspaceId), eq(cannedResponses.id, id)));
  if (!row || (row.ownerAgentId !== null && row.ownerAgentId !== agentIdOf(ctx))) throw notFound("canned response", id);
  if (forWrite && row.ownerAgentId === null && !can(ctx.actor, "tags.manage")) {
    throw forbidden("Only supervisors and admins may change shared canned responses");
  }
  return row;
}

export async function getCannedResponse(ctx: Ctx, id: string): Promise<CannedResponse> {
  authorize(ctx.actor, "ticket.read");
  return withEditable(ctx, await loadOwn(ctx, id, false));
}

function check(ctx: Ctx, input: Partial<CannedInput>) {
  if (input.title !== undefined && !input.title.trim()) throw invalid([{ path: "title", message: "a title is needed" }]);
  if (input.body !== undefined && !input.body.trim()) throw invalid([{ path: "body", message: "the text is empty" }]);
  if (input.deskId) assertDeskAccess(ctx.actor, input.deskId, () => invalid([{ path: "deskId", message: "no such desk" }]));
  if (input.shared) authorize(ctx.actor, "tags.manage", "Only supervisors and admins may share canned responses");
  const unknown = [...(input.body ?? "").matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)]
    .map((m) => m[1]!)
    .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) {
    throw invalid([
      { path: "body", message: `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}; use ${PLACEHOLDERS.join(", ")}` },
    ]);
  }
}

export async function createCannedResponse(ctx: Ctx, input: CannedInput): Promise<CannedResponse> {
  authorize(ctx.actor, "ticket.reply");
  check(ctx, input);
  const me = agentIdOf(ctx);
  if (!input.shared && !me) throw invalid([{ path: "shared", message: "only an agent has personal canned responses" }]);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const row: CannedResponseRow = {
      id: newId(),
      workspaceId: tx.workspaceId,
      deskId: input.deskId ?? null,
      ownerAgentId: input.shared ? null : me,
      title: input.title.trim(),
      shortcut: input.shortcut?.trim() || null,
      body: input.body,
      createdAt: now,
      updatedAt: now,
    };
    await tx.db.insert(cannedResponses).values(row);
    await recordActivities(tx, [{ type: "canned.created", subjectType: "canned_response", subjectId: row.id, data: { title: row.title } }]);
    return withEditable(tx, row);
  });
}

export async function updateCannedResponse(ctx: Ctx, id: string, patch: Partial<CannedInput>): Promise<CannedResponse> {
  authorize(ctx.actor, "ticket.reply");
  check(ctx, patch);
  return inTransaction(ctx, async (tx) => {
    const row = await loadOwn(tx, id, true);
    const next: CannedResponseRow = {
      ...row,
      title: patch.title?.trim() ?? row.title,
      body: patch.body ?? row.body,
      shortcut: patch.shortcut === undefined ? row.shortcut : patch.shortcut?.trim() || null,
      deskId: patch.deskId === undefined ? row.deskId : patch.deskId,
      ownerAgentId: patch.shared === undefined ? row.ownerAgentId : patch.shared ? null : agentIdOf(tx),
      updatedAt: tx.clock.now(),
    };
    await tx.db
      .update(cannedResponses)
      .set(next)
      .where(and(eq(cannedResponses.workspaceId, tx.workspaceId), eq(cannedResponses.id, id)));
    await recordActivities(tx, [{ type: "canned.updated", subjectType: "canned_response", subjectId: id, data: { title: next.title } }]);
    return withEditable(tx, next);
  });
}

export async function deleteCannedResponse(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "ticket.reply");
  await inTransaction(ctx, async (tx) => {
    const row = await loadOwn(tx, id, true);
    await tx.db.delete(cannedResponses).where(and(eq(cannedResponses.workspaceId, tx.workspaceId), eq(cannedResponses.id, id)));
    await recordActivities(tx, [{ type: "canned.deleted", subjectType: "canned_response", subjectId: id, data: { title: row.title } }]);
  });
}

/** Fills the placeholders from a ticket, its requester, its desk and the agent inserting it. */
export function fillPlaceholders(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, key: string) => values[key] ?? "");
}

export async function renderCannedResponse(ctx: Ctx, id: string, ticketId: string): Promise<{ text: string }> {
  const canned = await getCannedResponse(ctx, id);
  const ticket = await getTicket(ctx, ticketId);
  const requester = await getContact(ctx, ticket.requesterId);
  const desk = await getDesk(ctx, ticket.deskId);
  const me = agentIdOf(ctx);
  const agent = me ? await getAgent(ctx, me) : undefined;
  const email = requester.identities.find((i) => i.kind === "email")?.value ?? "";
  const first = (name: string) => name.trim().split(/\s+/)[0] ?? "";
  return {
    text: fillPlaceholders(canned.body, {
      "requester.name": requester.name,
      "requester.first_name": first(requester.name),
      "requester.email": email,
      "ticket.number": String(ticket.number),
      "ticket.subject": ticket.subject,
      "agent.name": agent?.name ?? "",
      "agent.first_name": first(agent?.name ?? ""),
      "desk.name": desk.name,
    }),
  };
}
