import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { recordActivity } from "../activity/service";
import { authorize } from "../identity/policy";
import { commerceWebhookSecrets } from "./schema";

/**
 * Signed webhook deliveries from ticketing platforms, as Stripe signs its
 * own: `Usher-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the signature, so a captured delivery replayed
 * after REPLAY_WINDOW_SECONDS is refused; several v1 values may be sent (a
 * platform rotating its secret), any one matching is enough.
 */
export const SIGNATURE_HEADER = "usher-signature";
export const REPLAY_WINDOW_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
  return `t=${timestamp},v1=${hmac}`;
}

/** A new secret for a source, replacing any before it; the only time it is shown. */
export async function createWebhookSecret(ctx: Ctx, source: string): Promise<{ source: string; secret: string; createdAt: Date }> {
  authorize(ctx.actor, "commerce.manage");
  return inTransaction(ctx, async (tx) => {
    const secret = `whsec_${randomBytes(32).toString("base64url")}`;
    const createdAt = tx.clock.now();
    const [before] = await tx.db
      .select({ createdAt: commerceWebhookSecrets.createdAt })
      .from(commerceWebhookSecrets)
      .where(and(eq(commerceWebhookSecrets.workspaceId, tx.workspaceId), eq(commerceWebhookSecrets.source, source)));
    await tx.db
      .insert(commerceWebhookSecrets)
      .values({ workspaceId: tx.workspaceId, source, secret, createdAt })
      .onConflictDoUpdate({ target: [commerceWebhookSecrets.workspaceId, commerceWebhookSecrets.source], set: { secret, createdAt } });
    // Who made or rotated a secret is on record; the secret itself never is.
    await recordActivity(tx, {
      type: before ? "commerce.webhook_secret_rotated" : "commerce.webhook_secret_created",
      subjectType: "webhook_source",
      subjectId: tx.workspaceId,
      data: { source },
    });
    return { source, secret, createdAt };
  });
}

const missing = () => new DomainError("webhook.signature_missing", "The Usher-Signature header is missing", { header: "Usher-Signature" });
const mismatch = () =>
  new DomainError("webhook.signature_mismatch", "The Usher-Signature does not match this source's signing secret", { header: "Usher-Signature" });

/**
 * Checks a delivery's signature before anything is read from it. An unknown
 * source answers as a wrong signature does, so the endpoint tells a prober
 * nothing about which sources exist.
 */
export async function verifyWebhookSignature(ctx: Ctx, source: string, header: string | undefined, rawBody: Buffer): Promise<void> {
  if (!header) throw missing();
  const parts = header.split(",").map((p) => p.trim().split("="));
  const timestamps = parts.filter(([k]) => k === "t").map(([, v]) => v ?? "");
  const signatures = parts.filter(([k, v]) => k === "v1" && /^[0-9a-f]{64}$/.test(v ?? "")).map(([, v]) => v!);
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0]!) || signatures.length === 0) throw missing();
  const timestamp = Number(timestamps[0]);
  const [row] = await ctx.db
    .select({ secret: commerceWebhookSecrets.secret })
    .from(commerceWebhookSecrets)
    .where(and(eq(commerceWebhookSecrets.workspaceId, ctx.workspaceId), eq(commerceWebhookSecrets.source, source)));
  if (!row) throw mismatch();
  const expected = Buffer.from(signWebhook(row.secret, timestamp, rawBody).split("v1=")[1]!, "hex");
  if (!signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected))) throw mismatch();
  // The age is checked after the signature: only a genuine, old delivery is called stale.
  const age = Math.abs(ctx.clock.now().getTime() / 1000 - timestamp);
  if (age > REPLAY_WINDOW_SECONDS) {
    throw new DomainError("webhook.signature_stale", `The delivery was signed ${Math.round(age)} s away from now; at most ${REPLAY_WINDOW_SECONDS} s are accepted`, {
      toleranceSeconds: REPLAY_WINDOW_SECONDS,
    });
  }
}
