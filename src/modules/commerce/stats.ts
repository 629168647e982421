import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { authorize } from "../identity/policy";
import { countTickets } from "../tickets/service";
import { commerceRequests } from "./schema";

/**
 * The share of requests resolved without an agent (seeds/003 aims at
 * 25–40 %): workflows a fan completed in the portal, against every request
 * that reached the help desk in the period (tickets created, which include
 * the portal's self-service records).
 */
export interface SelfServiceRate {
  from: string;
  to: string;
  selfServed: number;
  requests: number;
  rate: number;
  byKind: Record<string, number>;
  target: { min: number; max: number };
}

export async function selfServiceRate(ctx: Ctx, from: Date, to: Date): Promise<SelfServiceRate> {
  authorize(ctx.actor, "commerce.read");
  if (!(from < to)) throw invalid([{ path: "from", message: "must be before to" }]);
  const [rows, tickets] = await Promise.all([
    ctx.db
      .select({ kind: commerceRequests.kind, n: sql<number>`count(*)::int` })
      .from(commerceRequests)
      .where(
        and(
          eq(commerceRequests.workspaceId, ctx.workspaceId),
          eq(commerceRequests.via, "portal"),
          eq(commerceRequests.state, "completed"),
          gte(commerceRequests.createdAt, from),
          lt(commerceRequests.createdAt, to),
        ),
      )
      .groupBy(commerceRequests.kind),
    countTickets(ctx, {
      all: [
        { field: "created_at", op: "gte", value: from.toISOString() },
        { field: "created_at", op: "lt", value: to.toISOString() },
      ],
    }),
  ]);
  const selfServed = rows.reduce((s, r) => s + Number(r.n), 0);
  const requests = Math.max(tickets, selfServed);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    selfServed,
    requests,
    rate: requests ? selfServed / requests : 0,
    byKind: Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])),
    target: { min: 0.25, max: 0.4 },
  };
}
