import { type SQL, and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { forbidden, invalid, notFound } from "../../platform/errors";
import { query } from "../../platform/db";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { listCategories } from "../desks/service";
import { assertDeskAccess, authorize, can, deskFilter } from "../identity/policy";
import { type ConditionGroup, compileConditions, validateConditions } from "../tickets/conditions";
import { tickets, unsolvedStatuses } from "../tickets/schema";
import { type TicketSort, envOf, ticketSorts } from "../tickets/service";
import { type ViewRow, views } from "./schema";

/** A view as the workspace shows it: built in (my open, unassigned…), per category, or saved. */
export interface ViewDef {
  id: string;
  kind: "builtin" | "category" | "custom";
  /** Built-in views are named by key, for the client to translate. */
  key: string | null;
  name: string;
  deskId: string | null;
  shared: boolean;
  conditions: ConditionGroup;
  sort: TicketSort;
  editable: boolean;
}

/** Tickets due within this many hours (or overdue) are "breaching soon". */
export const BREACHING_SOON_HOURS = 4;

const unsolved = { field: "status", op: "in" as const, value: [...unsolvedStatuses] };

function builtins(ctx: Ctx): ViewDef[] {
  const soon = new Date(ctx.clock.now().getTime() + BREACHING_SOON_HOURS * 3_600_000).toISOString();
  const view = (key: string, name: string, conditions: ConditionGroup, sort: TicketSort): ViewDef => ({
    id: key,
    kind: "builtin",
    key,
    name,
    deskId: null,
    shared: true,
    conditions,
    sort,
    editable: false,
  });
  return [
    view("my_open", "My open tickets", { all: [unsolved, { field: "assignee", op: "is", value: "me" }] }, "priority"),
    view("unassigned", "Unassigned", { all: [unsolved, { field: "assignee", op: "is", value: null }] }, "priority"),
    view("urgent", "Urgent", { all: [unsolved, { field: "priority", op: "is", value: "urgent" }] }, "due"),
    view("breaching", "Breaching soon", { all: [unsolved, { field: "due_at", op: "lt", value: soon }] }, "due"),
    view("all_open", "All open", { all: [unsolved] }, "priority"),
  ];
}

const presentRow = (ctx: Ctx, row: ViewRow): ViewDef => ({
  id: row.id,
  kind: "custom",
  key: null,
  name: row.name,
  deskId: row.deskId,
  shared: row.ownerAgentId === null,
  conditions: row.conditions,
  sort: (ticketSorts as readonly string[]).includes(row.sort) ? (row.sort as TicketSort) : "priority",
  editable:
    row.ownerAgentId === null ? can(ctx.actor, "tags.manage") : ctx.actor.kind === "agent" && row.ownerAgentId === ctx.actor.agentId,
});

const agentIdOf = (ctx: Ctx) => (ctx.actor.kind === "agent" ? ctx.actor.agentId : null);

/** The sidebar of one desk: built-in views, one per category, then saved views (shared and own). */
export async function listViews(ctx: Ctx, deskId: string): Promise<ViewDef[]> {
  authorize(ctx.actor, "ticket.read");
  assertDeskAccess(ctx.actor, deskId, () => notFound("desk", deskId));
  const categories = await listCategories(ctx, deskId);
  const me = agentIdOf(ctx);
  const saved = await ctx.db
    .select()
    .from(views)
    .where(
      and(
        eq(views.workspaceId, ctx.workspaceId),
        or(isNull(views.deskId), eq(views.deskId, deskId)),
        me ? or(isNull(views.ownerAgentId), eq(views.ownerAgentId, me)) : isNull(views.ownerAgentId),
      ),
    )
    .orderBy(asc(views.position), asc(views.createdAt));
  return [
    ...builtins(ctx),
    ...categories.map((c): ViewDef => ({
      id: `category:${c.id}`,
      kind: "category",
      key: null,
      name: c.name,
      deskId,
      shared: true,
      conditions: { all: [unsolved, { field: "category", op: "is", value: c.id }] },
      sort: "priority",
      editable: false,
    })),
    ...saved.map((row) => presentRow(ctx, row)),
  ];
}

/**
 * How many tickets each view of a desk holds, in one statement: a
 * `count(*) filter (where …)` per view over the desk's tickets.
 */
export async function countViews(ctx: Ctx, deskId: string): Promise<Record<string, number>> {
  const list = await listViews(ctx, deskId);
  const env = envOf(ctx);
  const columns: SQL[] = list.map((v, i) => {
    const where = compileConditions(v.conditions, env) ?? sql`true`;
    return sql`count(*) filter (where ${where})::int as ${sql.identifier(`c${i}`)}`;
  });
  const [row] = await query<Record<string, number>>(
    ctx.db,
    sql`select ${sql.join(columns, sql`, `)} from ${tickets} where ${and(
      eq(tickets.workspaceId, ctx.workspaceId),
      eq(tickets.deskId, deskId),
      isNull(tickets.mergedIntoId),
      deskFilter(ctx.actor, tickets.deskId),
    )}`,
  );
  const values = list.map((_, i) => row?.[`c${i}`] ?? 0);
  return Object.fromEntries(list.map((v, i) => [v.id, Number(values[i] ?? 0)]));
}

export interface ViewInput {
  name: string;
  conditions: ConditionGroup;
  sort?: TicketSort;
  deskId?: string | null;
  /** Shared with everyone (supervisors and admins), or personal. */
  shared?: boolean;
  position?: number;
}

function checkInput(ctx: Ctx, input: Partial<ViewInput>) {
  if (input.conditions) validateConditions(input.conditions);
  if (input.name !== undefined && !input.name.trim()) throw invalid([{ path: "name", message: "a view needs a name" }]);
  if (input.deskId) assertDeskAccess(ctx.actor, input.deskId, () => invalid([{ path: "deskId", message: "no such desk" }]));
  if (input.shared) authorize(ctx.actor, "tags.manage", "Only supervisors and admins may share views");
}

export async function createView(ctx: Ctx, input: ViewInput): Promise<ViewDef> {
  authorize(ctx.actor, "ticket.read");
  checkInput(ctx, input);
  const me = agentIdOf(ctx);
  if (!input.shared && !me) throw invalid([{ path: "shared", message: "only an agent has personal views" }]);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const row: ViewRow = {
      id: newId(),
      workspaceId: tx.workspaceId,
      ownerAgentId: input.shared ? null : me,
      deskId: input.deskId ?? null,
      name: input.name.trim(),
      conditions: input.conditions,
      sort: input.sort ?? "priority",
      position: input.position ?? 0,
      createdAt: now,
      updatedAt: now,
    };
    await tx.db.insert(views).values(row);
    await recordActivities(tx, [
      { type: "view.created", subjectType: "view", subjectId: row.id, data: { name: row.name, shared: !!input.shared } },
    ]);
    return presentRow(tx, row);
  });
}

async function loadEditable(ctx: Ctx, id: string): Promise<ViewRow> {
  const [row] = await ctx.db
    .select()
    .from(views)
    .where(and(eq(views.workspaceId, ctx.workspaceId), eq(views.id, id)))
    .for("update");
  const me = agentIdOf(ctx);
  if (!row || (row.ownerAgentId !== null && row.ownerAgentId !== me)) throw notFound("view", id);
  if (row.ownerAgentId === null && !can(ctx.actor, "tags.manage")) throw forbidden("Only supervisors and admins may change shared views");
  return row;
}

export async function getView(ctx: Ctx, id: string): Promise<ViewDef> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select()
    .from(views)
    .where(and(eq(views.workspaceId, ctx.workspaceId), eq(views.id, id)));
  if (!row || (row.ownerAgentId !== null && row.ownerAgentId !== agentIdOf(ctx))) throw notFound("view", id);
  return presentRow(ctx, row);
}

export async function updateView(ctx: Ctx, id: string, patch: Partial<ViewInput>): Promise<ViewDef> {
  authorize(ctx.actor, "ticket.read");
  checkInput(ctx, patch);
  return inTransaction(ctx, async (tx) => {
    const row = await loadEditable(tx, id);
    const me = agentIdOf(tx);
    const next: ViewRow = {
      ...row,
      name: patch.name?.trim() ?? row.name,
      conditions: patch.conditions ?? row.conditions,
      sort: patch.sort ?? row.sort,
      deskId: patch.deskId === undefined ? row.deskId : patch.deskId,
      position: patch.position ?? row.position,
      ownerAgentId: patch.shared === undefined ? row.ownerAgentId : patch.shared ? null : me,
      updatedAt: tx.clock.now(),
    };
    await tx.db
      .update(views)
      .set(next)
      .where(and(eq(views.workspaceId, tx.workspaceId), eq(views.id, id)));
    await recordActivities(tx, [{ type: "view.updated", subjectType: "view", subjectId: id, data: { name: next.name } }]);
    return presentRow(tx, next);
  });
}

export async function deleteView(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "ticket.read");
  await inTransaction(ctx, async (tx) => {
    const row = await loadEditable(tx, id);
    await tx.db.delete(views).where(and(eq(views.workspaceId, tx.workspaceId), eq(views.id, id)));
    await recordActivities(tx, [{ type: "view.deleted", subjectType: "view", subjectId: id, data: { name: row.name } }]);
  });
}
