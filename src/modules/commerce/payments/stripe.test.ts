import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../../../../test/factories";
import { type FakeStripe, startFakeStripe } from "../../../../test/fakes/stripe";
import { useTestApp } from "../../../../test/helpers";
import { DomainError } from "../../../platform/errors";
import { findOrderId, loadOrderBundle } from "../orders";
import { sampleOrder } from "../test-data";
import { requestRefund } from "../workflows";
import { GatewayError } from "./gateway";
import { StripeGateway } from "./stripe";

let stripe: FakeStripe;
const getApp = useTestApp();
beforeAll(async () => {
  stripe = await startFakeStripe();
});
afterAll(async () => stripe.close());

describe("the Stripe-compatible gateway against a local fake of Stripe's refund endpoint", () => {
  it("refunds form-encoded with the secret key and an Idempotency-Key; a retry is the same refund", async () => {
    stripe.charges.set("ch_A", { amount: 9700, currency: "gbp", refunded: 0 });
    const gateway = new StripeGateway({ secretKey: "sk_test_usher", baseUrl: stripe.url });
    const call = { chargeId: "ch_A", amount: 9000, currency: "GBP", idempotencyKey: "usher-refund-1", metadata: { usher_order: "LL-1" } };
    const first = await gateway.refund(call);
    const again = await gateway.refund(call);
    expect(first).toEqual({ id: again.id, status: "succeeded" });
    expect(stripe.refunds).toHaveLength(1);
    expect(stripe.refunds[0]).toMatchObject({ charge: "ch_A", amount: 9000, metadata: { usher_order: "LL-1" } });
    expect(stripe.requests.map((r) => r.key)).toEqual(["usher-refund-1", "usher-refund-1"]);
  });

  it("maps Stripe's errors: unknown charge, too large, key reused with other parameters, bad key", async () => {
    stripe.charges.set("ch_B", { amount: 1000, currency: "gbp", refunded: 0 });
    const gateway = new StripeGateway({ secretKey: "sk_test_usher", baseUrl: stripe.url });
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: GatewayError) => e,
      );
    expect(await fail(gateway.refund({ chargeId: "ch_nope", amount: 1, currency: "GBP", idempotencyKey: "k1" }))).toMatchObject({
      type: "invalid_request_error",
      code: "resource_missing",
    });
    expect(await fail(gateway.refund({ chargeId: "ch_B", amount: 5000, currency: "GBP", idempotencyKey: "k2" }))).toMatchObject({
      code: "amount_too_large",
    });
    await gateway.refund({ chargeId: "ch_B", amount: 100, currency: "GBP", idempotencyKey: "k3" });
    expect(await fail(gateway.refund({ chargeId: "ch_B", amount: 200, currency: "GBP", idempotencyKey: "k3" }))).toMatchObject({
      type: "idempotency_error",
    });
    const wrongKey = new StripeGateway({ secretKey: "sk_test_wrong", baseUrl: stripe.url });
    expect(await fail(wrongKey.refund({ chargeId: "ch_B", amount: 1, currency: "GBP", idempotencyKey: "k4" }))).toBeInstanceOf(
      GatewayError,
    );
  });

  it("a refund workflow on a Stripe payment moves the money there, and a refusal leaves nothing half-written", async () => {
    const ws = await makeWorkspace(getApp());
    const s = await sampleOrder(ws.system, { gateway: "stripe", chargeId: "ch_C" });
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const deps = { gateways: { stripe: new StripeGateway({ secretKey: "sk_test_usher", baseUrl: stripe.url }) }, connectors: {} };

    // Stripe does not know the charge yet: refused, and the order is untouched.
    const err = (await requestRefund(ws.admin.ctx, deps, { orderId }).catch((e) => e)) as DomainError;
    expect(err.code).toBe("payment.gateway_failed");
    expect((await loadOrderBundle(ws.system, orderId)).order.refundedTotal).toBe(0);

    stripe.charges.set("ch_C", { amount: 9700, currency: "gbp", refunded: 0 });
    const out = await requestRefund(ws.admin.ctx, deps, { orderId });
    expect(out.refund).toMatchObject({ gateway: "stripe", state: "succeeded", gatewayRefundId: expect.stringMatching(/^re_/) });
    expect(stripe.refunds.at(-1)).toMatchObject({ charge: "ch_C", amount: 9000, metadata: { usher_order: expect.stringMatching(/^LL-/) } });
  });
});
