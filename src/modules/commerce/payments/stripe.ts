import { type ChargeCall, GatewayError, type GatewayResult, type PaymentGateway, type RefundCall } from "./gateway";

/**
 * A Stripe-compatible adapter: `POST /v1/refunds` and `POST /v1/charges`,
 * form-encoded, `Authorization: Bearer <secret key>`, an `Idempotency-Key`
 * header, errors as `{ error: { type, code, message } }`
 * (https://docs.stripe.com/api/refunds/create, /api/idempotent_requests,
 * /api/errors). Works with Stripe itself and with providers that speak its API.
 */
export interface StripeOptions {
  secretKey: string;
  /** https://api.stripe.com, or a compatible provider's / a test fake's address. */
  baseUrl?: string;
  timeoutMs?: number;
}

export class StripeGateway implements PaymentGateway {
  readonly name = "stripe";
  private readonly baseUrl: string;

  constructor(private readonly options: StripeOptions) {
    this.baseUrl = (options.baseUrl ?? "https://api.stripe.com").replace(/\/$/, "");
  }

  async refund(call: RefundCall): Promise<GatewayResult> {
    const form = new URLSearchParams();
    // Stripe accepts a charge (ch_…) or a PaymentIntent (pi_…).
    form.set(call.chargeId.startsWith("pi_") ? "payment_intent" : "charge", call.chargeId);
    form.set("amount", String(call.amount));
    if (call.reason) form.set("reason", call.reason);
    for (const [k, v] of Object.entries(call.metadata ?? {})) form.set(`metadata[${k}]`, v);
    const body = await this.post("/v1/refunds", form, call.idempotencyKey);
    if (typeof body.currency === "string" && body.currency.toUpperCase() !== call.currency.toUpperCase()) {
      throw new GatewayError(this.name, "api_error", "currency_mismatch", `Stripe refunded in ${body.currency}, expected ${call.currency}`);
    }
    return { id: String(body.id), status: mapStatus(body.status) };
  }

  async charge(call: ChargeCall): Promise<GatewayResult> {
    const form = new URLSearchParams({
      customer: call.customer,
      amount: String(call.amount),
      currency: call.currency.toLowerCase(),
      description: call.description,
    });
    const body = await this.post("/v1/charges", form, call.idempotencyKey);
    return { id: String(body.id), status: mapStatus(body.status) };
  }

  private async post(path: string, form: URLSearchParams, idempotencyKey: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.options.secretKey}`,
          "content-type": "application/x-www-form-urlencoded",
          "idempotency-key": idempotencyKey,
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
      });
    } catch (err) {
      throw new GatewayError(this.name, "api_connection_error", undefined, `Stripe did not answer: ${(err as Error).message}`);
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON: reported below */
    }
    if (!response.ok) {
      const error = (body.error ?? {}) as { type?: string; code?: string; message?: string };
      throw new GatewayError(this.name, error.type ?? "api_error", error.code, error.message ?? `HTTP ${response.status}`);
    }
    if (typeof body.id !== "string") throw new GatewayError(this.name, "api_error", undefined, "Stripe answered without an id");
    return body;
  }
}

function mapStatus(status: unknown): GatewayResult["status"] {
  if (status === "succeeded") return "succeeded";
  if (status === "pending" || status === "requires_action") return "pending";
  return "failed";
}
