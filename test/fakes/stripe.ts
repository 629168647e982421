import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Stripe's refund endpoint, speaking its wire format:
 * form-encoded POST /v1/refunds, Bearer secret key, Idempotency-Key replay
 * (same key + same parameters → the same response; different parameters →
 * idempotency_error), and errors as { error: { type, code, message, param } }.
 */
export interface FakeStripe {
  url: string;
  charges: Map<string, { amount: number; currency: string; refunded: number }>;
  refunds: { id: string; charge: string; amount: number; metadata: Record<string, string> }[];
  requests: { path: string; key: string | undefined; body: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startFakeStripe(secretKey = "sk_test_usher"): Promise<FakeStripe> {
  const charges = new Map<string, { amount: number; currency: string; refunded: number }>();
  const refunds: FakeStripe["refunds"] = [];
  const requests: FakeStripe["requests"] = [];
  const replays = new Map<string, { params: string; status: number; body: string }>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${++n}` });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      const error = (status: number, type: string, message: string, code?: string, param?: string) =>
        send(status, { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } });
      if (req.headers.authorization !== `Bearer ${secretKey}`) return error(401, "invalid_request_error", "Invalid API Key provided");
      if (req.method !== "POST" || req.url !== "/v1/refunds")
        return error(404, "invalid_request_error", `Unrecognized request URL (${req.method}: ${req.url})`);
      if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
        return error(400, "invalid_request_error", "Invalid request: expected form encoding");
      const form = Object.fromEntries(new URLSearchParams(raw));
      const key = req.headers["idempotency-key"] as string | undefined;
      requests.push({ path: req.url, key, body: form });
      if (key && replays.has(key)) {
        const seen = replays.get(key)!;
        if (seen.params !== raw)
          return error(
            400,
            "idempotency_error",
            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
          );
        res.setHeader("idempotent-replayed", "true");
        return send(seen.status, seen.body);
      }
      const remember = (status: number, body: unknown) => {
        if (key) replays.set(key, { params: raw, status, body: JSON.stringify(body) });
        send(status, body);
      };
      const chargeId = form.charge ?? form.payment_intent;
      const charge = chargeId ? charges.get(chargeId) : undefined;
      if (!charge)
        return remember(400, {
          error: { type: "invalid_request_error", code: "resource_missing", message: `No such charge: '${chargeId}'`, param: "charge" },
        });
      const amount = form.amount ? Number(form.amount) : charge.amount - charge.refunded;
      if (charge.refunded >= charge.amount)
        return remember(400, {
          error: {
            type: "invalid_request_error",
            code: "charge_already_refunded",
            message: `Charge ${chargeId} has already been refunded.`,
          },
        });
      if (amount > charge.amount - charge.refunded) {
        return remember(400, {
          error: {
            type: "invalid_request_error",
            code: "amount_too_large",
            message: `Refund amount is greater than unrefunded amount on charge`,
            param: "amount",
          },
        });
      }
      charge.refunded += amount;
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(form)) if (k.startsWith("metadata[")) metadata[k.slice(9, -1)] = v;
      const refund = { id: `re_${String(refunds.length + 1).padStart(6, "0")}`, charge: chargeId!, amount, metadata };
      refunds.push(refund);
      remember(200, {
        id: refund.id,
        object: "refund",
        amount,
        charge: chargeId,
        currency: charge.currency,
        metadata,
        reason: form.reason ?? null,
        status: "succeeded",
        created: Math.floor(Date.now() / 1000),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, charges, refunds, requests, close: () => new Promise((r) => server.close(() => r())) };
}
