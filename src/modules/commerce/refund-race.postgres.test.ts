import { describe, expect, it } from "vitest";
import { makeAgent, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { DomainError } from "../../platform/errors";
import { findOrderId, loadOrderBundle } from "./orders";
import { SandboxGateway } from "./payments/sandbox";
import { sampleOrder } from "./test-data";
import { requestRefund } from "./workflows";

/**
 * Real concurrency needs real connections: on PostgreSQL each request runs
 * in its own pooled connection, so the two transactions truly overlap (PGlite
 * has one connection and would serialise them for us).
 */
const getApp = useTestApp();

describe("two refund requests on one order at the same moment", () => {
  it("make exactly one refund; the other is refused as already refunded", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system);
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const agentA = await makeAgent(app, ws.workspace.id, { allDesks: true });
    const agentB = await makeAgent(app, ws.workspace.id, { allDesks: true });
    const sandbox = new SandboxGateway();
    // A slow gateway widens the window in which the second request could slip through.
    const slow = {
      name: "sandbox",
      refund: async (call: Parameters<SandboxGateway["refund"]>[0]) => {
        await new Promise((r) => setTimeout(r, 150));
        return sandbox.refund(call);
      },
      charge: sandbox.charge.bind(sandbox),
    };
    const deps = { gateways: { sandbox: slow }, connectors: {} };

    const results = await Promise.allSettled([
      requestRefund(agentA.ctx, deps, { orderId }),
      requestRefund(agentB.ctx, deps, { orderId }),
      requestRefund(agentA.ctx, deps, { orderId }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(["refund.already_refunded", "refund.already_refunded"]);
    expect(sandbox.refunds).toHaveLength(1);
    const bundle = await loadOrderBundle(ws.system, orderId);
    expect(bundle.order.refundedTotal).toBe(9000);
  });

  it("the same client key sent twice at once is one refund", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system);
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const sandbox = new SandboxGateway();
    const deps = { gateways: { sandbox }, connectors: {} };
    const results = await Promise.allSettled([
      requestRefund(ws.admin.ctx, deps, { orderId, idempotencyKey: "k-1" }),
      requestRefund(ws.admin.ctx, deps, { orderId, idempotencyKey: "k-1" }),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<typeof requestRefund>>
    >[];
    // The second waits on the order's lock, then replays the first: one refund, the same answer twice.
    expect(fulfilled).toHaveLength(2);
    expect(new Set(fulfilled.map((r) => r.value.refund!.id)).size).toBe(1);
    expect(sandbox.refunds).toHaveLength(1);
  });
});
