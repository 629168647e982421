import { createHmac } from "node:crypto";
import type { Reactor } from "../activity/reactors";
import { presentTicket } from "../tickets/presenter";
import { readTicket } from "../tickets/service";
import { getRule } from "./service";
import { systemActor } from "../../platform/context";

/**
 * Delivers a rule's webhook: POST of the ticket as JSON, signed so the
 * receiver can check it came from Usher and was not replayed:
 *
 *   X-Usher-Delivery:  the activity id — the same on every retry (dedupe on it)
 *   X-Usher-Timestamp: seconds since the epoch
 *   X-Usher-Signature: sha256=HEX(HMAC-SHA256(secret, "<timestamp>.<body>"))
 *
 * A non-2xx answer or a timeout fails the job; pg-boss retries it with back-off.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

export const ruleWebhooks: Reactor = {
  name: "rules.webhooks",
  on: ["rule.webhook"],
  async handle(ctx, activity) {
    const { ruleId, actionIndex } = activity.data as { ruleId: string; actionIndex: number };
    const system = { ...ctx, actor: systemActor("webhooks") };
    const rule = await getRule(system, ruleId).catch(() => undefined);
    const action = rule?.actions[actionIndex];
    if (!rule || action?.type !== "webhook") return; // the rule changed since: nothing to deliver
    const ticket = activity.ticketId ? await readTicket(ctx, activity.ticketId) : undefined;
    if (!ticket) return;
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    const body = JSON.stringify({
      event: "rule.webhook",
      deliveryId: activity.id,
      rule: { id: rule.id, name: rule.name },
      ticket: presentTicket(ticket),
      occurredAt: activity.createdAt.toISOString(),
    });
    const response = await fetch(action.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Usher-Webhook/1",
        "x-usher-delivery": activity.id,
        "x-usher-timestamp": timestamp,
        "x-usher-signature": signature(action.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`webhook ${action.url} answered ${response.status}`);
  },
};
