/**
 * How money moves: one interface, an adapter per payment provider. The
 * workflows call `refund` with an idempotency key (our refund's id), so a
 * retried call — a crash between the provider's answer and our commit, a
 * client retry — is the same refund at the provider, never a second one.
 */
export interface RefundCall {
  /** The provider's charge or payment-intent id of the original payment. */
  chargeId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  reason?: "requested_by_customer" | "duplicate" | "fraudulent";
  metadata?: Record<string, string>;
}

export interface ChargeCall {
  /** A saved payment method or customer at the provider (subscriptions). */
  customer: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  description: string;
}

export interface GatewayResult {
  id: string;
  status: "succeeded" | "pending" | "failed";
}

export interface PaymentGateway {
  readonly name: string;
  refund(call: RefundCall): Promise<GatewayResult>;
  charge(call: ChargeCall): Promise<GatewayResult>;
}

/** A provider's refusal, with its own code, for the workflow to report. */
export class GatewayError extends Error {
  constructor(
    readonly gateway: string,
    readonly type: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}
