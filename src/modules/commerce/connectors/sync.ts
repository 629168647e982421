import { and, eq, gte } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../../platform/context";
import { DomainError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { authorize } from "../../identity/policy";
import { ingest } from "../ingest";
import { GatewayError } from "../payments/gateway";
import { connectorCursors, events } from "../schema";
import type { Connector } from "./contract";

/**
 * Pulls what changed on a platform since the last sync — events, then
 * orders, then attendees of recent and coming events — through the same
 * idempotent upsert as the API. Each page is its own transaction, and the
 * cursor moves only when a resource is done, so an interrupted sync resumes
 * from the last completed resource and repeats nothing harmful.
 */
export interface SyncResult {
  events: number;
  orders: number;
  admissions: number;
  pages: number;
}

export async function syncConnector(
  ctx: Ctx,
  connector: Connector,
  options: { onPage?: (resource: string, pages: number) => void } = {},
): Promise<SyncResult> {
  authorize(ctx.actor, "commerce.manage");
  const source = connector.source;
  const started = ctx.clock.now();
  // Eventbrite's changed_since takes seconds, without milliseconds.
  const stamp = started.toISOString().replace(/\.\d{3}Z$/, "Z");
  const cursors = new Map(
    (
      await ctx.db
        .select()
        .from(connectorCursors)
        .where(and(eq(connectorCursors.workspaceId, ctx.workspaceId), eq(connectorCursors.connector, source)))
    ).map((c) => [c.resource, c.cursor]),
  );
  const result: SyncResult = { events: 0, orders: 0, admissions: 0, pages: 0 };
  const wrap = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof GatewayError) throw new DomainError("connector.failed", `${source}: ${err.message}`, { status: err.code });
      throw err;
    }
  };
  const pages = async <T>(
    resource: string,
    list: (c: string | null) => Promise<{ items: T[]; continuation: string | null }>,
    store: (items: T[]) => Promise<void>,
  ) => {
    let continuation: string | null = null;
    let n = 0;
    do {
      const page = await wrap(() => list(continuation));
      await store(page.items);
      continuation = page.continuation;
      result.pages++;
      options.onPage?.(resource, ++n);
    } while (continuation);
  };
  const done = (resource: string) =>
    ctx.db
      .insert(connectorCursors)
      .values({ workspaceId: ctx.workspaceId, connector: source, resource, cursor: stamp, syncedAt: started })
      .onConflictDoUpdate({
        target: [connectorCursors.workspaceId, connectorCursors.connector, connectorCursors.resource],
        set: { cursor: stamp, syncedAt: started },
      });

  const touched = new Set<string>();
  await pages(
    "events",
    (c) => connector.listEvents(cursors.get("events") ?? null, c),
    async (items) => {
      items.forEach((e) => touched.add(e.externalId));
      result.events += (await ingest(ctx, { source, events: items })).events;
    },
  );
  await done("events");
  await pages(
    "orders",
    (c) => connector.listOrders(cursors.get("orders") ?? null, c),
    async (items) => {
      result.orders += (await ingest(ctx, { source, orders: items }, { skipUnknownEvents: true })).orders;
    },
  );
  await done("orders");
  // Attendees are listed per event: the ones this sync saw, and every one not long past.
  const recent = await ctx.db
    .select({ externalId: events.externalId })
    .from(events)
    .where(
      and(
        eq(events.workspaceId, ctx.workspaceId),
        eq(events.source, source),
        gte(events.startsAt, new Date(started.getTime() - 7 * 86_400_000)),
      ),
    );
  for (const e of recent) if (e.externalId) touched.add(e.externalId);
  for (const eventId of touched) {
    await pages(
      "attendees",
      (c) => connector.listAttendees(eventId, cursors.get("attendees") ?? null, c),
      async (items) => {
        result.admissions += (await ingest(ctx, { source, attendees: items })).admissions;
      },
    );
  }
  await done("attendees");
  await inTransaction(ctx, (tx) =>
    recordActivity(tx, { type: "connector.synced", subjectType: "workspace", subjectId: tx.workspaceId, data: { source, ...result } }),
  );
  return result;
}
