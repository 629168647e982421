import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, isNull, lt } from "drizzle-orm";
import type { Clock } from "../../platform/clock";
import { type Ctx, systemActor, withActor } from "../../platform/context";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { t } from "../../platform/i18n";
import type { Mailer } from "../../platform/mailer";
import { recordActivity } from "../activity/service";
import { findOrCreateContact, getContactRow } from "../contacts/service";
import { normaliseEmail } from "../desks/addresses";
import { portalLinks, portalSessions } from "./schema";

/**
 * Signing in to the portal with a one-time link sent by e-mail.
 *
 * - The link's token is 256 random bits; only its SHA-256 is stored.
 * - It works once, for LINK_MINUTES.
 * - Asking for a link answers the same whether the address is known or
 *   not; the contact is found or created only when a link is redeemed,
 *   which proves the address is theirs.
 * - At most LINKS_PER_WINDOW links per address per window are sent; more
 *   requests are answered as usual and silently not sent (the route also
 *   limits requests per network address).
 */
export const LINK_MINUTES = 15;
export const LINKS_PER_WINDOW = 3;
const WINDOW_MINUTES = 15;
export const PORTAL_SESSION_DAYS = 7;

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const secret = (bytes = 32) => randomBytes(bytes).toString("base64url");

export interface LinkRequest {
  workspaceId: string;
  deskId: string;
  deskKey: string;
  deskName: string;
  email: string;
  locale: string;
  returnTo?: string | null;
}

export interface PortalDeps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
  mailFrom: string;
}

/** Sends a sign-in link if the rate allows; tells the caller nothing about the address either way. */
export async function requestSignInLink(deps: PortalDeps, input: LinkRequest): Promise<{ sent: boolean }> {
  const email = normaliseEmail(input.email);
  if (!email || email.length > 254) throw invalid([{ path: "email", message: t(input.locale, "portal:signIn.invalidEmail") }]);
  const now = deps.clock.now();
  const [recent] = await deps.db
    .select({ n: count() })
    .from(portalLinks)
    .where(
      and(
        eq(portalLinks.workspaceId, input.workspaceId),
        eq(portalLinks.email, email),
        gt(portalLinks.createdAt, new Date(now.getTime() - WINDOW_MINUTES * 60_000)),
      ),
    );
  if ((recent?.n ?? 0) >= LINKS_PER_WINDOW) return { sent: false };

  const token = secret();
  await deps.db.transaction(async (tx) => {
    await tx.insert(portalLinks).values({
      tokenHash: sha256(token),
      workspaceId: input.workspaceId,
      deskId: input.deskId,
      email,
      locale: input.locale,
      returnTo: safeReturnTo(input.returnTo, input.deskKey),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LINK_MINUTES * 60_000),
    });
    // Old links are swept when new ones are asked for, rather than by a timer.
    await tx.delete(portalLinks).where(and(eq(portalLinks.email, email), lt(portalLinks.expiresAt, new Date(now.getTime() - 86_400_000))));
  });
  const url = `${deps.publicUrl}/help/${encodeURIComponent(input.deskKey)}/${input.locale}/sign-in/${token}`;
  const params = { desk: input.deskName, minutes: LINK_MINUTES };
  await deps.mailer.send({
    from: deps.mailFrom,
    to: email,
    subject: t(input.locale, "portal:signIn.mailSubject", params),
    text: `${t(input.locale, "portal:signIn.mailBody", params)}\n\n${url}\n\n${t(input.locale, "portal:signIn.mailIgnore")}`,
    headers: { "Auto-Submitted": "auto-generated" },
  });
  return { sent: true };
}

/** Only paths inside this desk's help center: never an open redirect. */
export function safeReturnTo(returnTo: string | null | undefined, deskKey: string): string | null {
  if (!returnTo) return null;
  const prefix = `/help/${encodeURIComponent(deskKey)}/`;
  return returnTo.startsWith(prefix) && !returnTo.includes("//") && !returnTo.includes("\\") && returnTo.length < 300 ? returnTo : null;
}

export interface PortalSession {
  sessionId: string;
  csrfToken: string;
  workspaceId: string;
  contactId: string;
  returnTo: string | null;
  locale: string;
}

/** Redeems a link: once, before it expires. Returns undefined for any link that cannot be used. */
export async function redeemSignInLink(
  deps: Pick<PortalDeps, "db" | "clock">,
  ctx: Ctx,
  token: string,
): Promise<PortalSession | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const now = deps.clock.now();
  // Marking it used in the same statement that finds it: two clicks cannot both win.
  const [link] = await deps.db
    .update(portalLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(portalLinks.tokenHash, sha256(token)),
        eq(portalLinks.workspaceId, ctx.workspaceId),
        isNull(portalLinks.usedAt),
        gt(portalLinks.expiresAt, now),
      ),
    )
    .returning();
  if (!link) return undefined;
  const system = withActor(ctx, systemActor("portal"));
  const { contact } = await findOrCreateContact(system, { identities: [{ kind: "email", value: link.email }], locale: link.locale });
  const contactId = contact.mergedIntoId ?? contact.id;
  const sessionId = secret();
  const csrfToken = secret(24);
  await deps.db.insert(portalSessions).values({
    idHash: sha256(sessionId),
    workspaceId: link.workspaceId,
    contactId,
    csrfToken,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_DAYS * 86_400_000),
  });
  await recordActivity(withActor(ctx, { kind: "contact", contactId }), {
    type: "portal.signed_in",
    subjectType: "contact",
    subjectId: contactId,
    data: { deskId: link.deskId },
  });
  return { sessionId, csrfToken, workspaceId: link.workspaceId, contactId, returnTo: link.returnTo, locale: link.locale };
}

export interface PortalIdentity {
  workspaceId: string;
  contactId: string;
  csrfToken: string;
}

export async function authenticatePortalSession(
  deps: Pick<PortalDeps, "db" | "clock">,
  sessionId: string,
): Promise<PortalIdentity | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const [row] = await deps.db
    .select()
    .from(portalSessions)
    .where(and(eq(portalSessions.idHash, sha256(sessionId)), gt(portalSessions.expiresAt, deps.clock.now())));
  if (!row) return undefined;
  return { workspaceId: row.workspaceId, contactId: row.contactId, csrfToken: row.csrfToken };
}

/** The contact as they are now: a merged contact's session acts for the contact it was merged into. */
export async function currentContactId(ctx: Ctx, contactId: string): Promise<string> {
  const row = await getContactRow(withActor(ctx, systemActor("portal")), contactId);
  return row.mergedIntoId ?? row.id;
}

export async function signOutPortal(db: Db, sessionId: string): Promise<void> {
  await db.delete(portalSessions).where(eq(portalSessions.idHash, sha256(sessionId)));
}
