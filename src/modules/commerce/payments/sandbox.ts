import { createHash } from "node:crypto";
import { type ChargeCall, GatewayError, type GatewayResult, type PaymentGateway, type RefundCall } from "./gateway";

/**
 * The embedded sandbox gateway for the demo and for trying Usher out: it
 * moves no money, answers at once, and behaves like a real provider where it
 * matters — the same idempotency key gives the same refund, a refund above
 * what was charged is refused. The charge id `ch_sandbox_decline` is always
 * declined, to try the failure path.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = "sandbox";
  private readonly byKey = new Map<string, { call: string; result: GatewayResult }>();
  readonly refunds: (RefundCall & { id: string })[] = [];
  readonly charges: (ChargeCall & { id: string })[] = [];

  async refund(call: RefundCall): Promise<GatewayResult> {
    if (call.chargeId === "ch_sandbox_decline")
      throw new GatewayError(this.name, "card_error", "charge_disputed", "The sandbox declines this charge");
    return this.once(call.idempotencyKey, JSON.stringify(call), () => {
      const result = { id: `re_sandbox_${digest(call.idempotencyKey)}`, status: "succeeded" as const };
      this.refunds.push({ ...call, id: result.id });
      return result;
    });
  }

  async charge(call: ChargeCall): Promise<GatewayResult> {
    return this.once(call.idempotencyKey, JSON.stringify(call), () => {
      const result = { id: `ch_sandbox_${digest(call.idempotencyKey)}`, status: "succeeded" as const };
      this.charges.push({ ...call, id: result.id });
      return result;
    });
  }

  private once(key: string, body: string, run: () => GatewayResult): GatewayResult {
    const seen = this.byKey.get(key);
    if (seen) {
      // Stripe's rule: a key reused with different parameters is an error, not a silent replay.
      if (seen.call !== body)
        throw new GatewayError(
          this.name,
          "idempotency_error",
          undefined,
          "Keys for idempotent requests can only be used with the same parameters",
        );
      return seen.result;
    }
    const result = run();
    this.byKey.set(key, { call: body, result });
    return result;
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 24);
