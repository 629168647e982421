import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { resolveLocale, t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import type { Reactor } from "../activity/reactors";
import { recordActivity } from "../activity/service";
import { channelRuntime } from "../channels/runtime";
import { getContactRow } from "../contacts/service";
import { getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import { getPublicDesk } from "../kb/public";
import { addMessage } from "../tickets/messages";
import type { TicketRow } from "../tickets/schema";
import { getTicket, readTicket } from "../tickets/service";
import { type SatisfactionSettingsRow, type SatisfactionSurveyRow, satisfactionSettings, satisfactionSurveys } from "./schema";

/**
 * Offering the survey. A solved ticket gets one survey (the unique index on
 * the ticket holds that, whatever the reactor's retries or a reopen-and-solve
 * do), sent after the desk's delay as a reply on the ticket's own channel, so
 * it goes out through the same delivery as an agent's answer.
 */

/** How long a survey link works, and a rating can be changed (Zendesk: 28 days). */
export const SURVEY_DAYS = 28;
export const MAX_DELAY_MINUTES = 7 * 24 * 60;
const SWEEP_BATCH = 100;

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export interface SurveySettings {
  deskId: string;
  enabled: boolean;
  delayMinutes: number;
}

const defaults = (deskId: string): SurveySettings => ({ deskId, enabled: false, delayMinutes: 0 });
const fromRow = (row: SatisfactionSettingsRow): SurveySettings => ({ deskId: row.deskId, enabled: row.enabled, delayMinutes: row.delayMinutes });

export async function getSurveySettings(ctx: Ctx, deskId: string): Promise<SurveySettings> {
  authorize(ctx.actor, "ticket.read");
  await getDesk(ctx, deskId);
  return readSettings(ctx, deskId);
}

async function readSettings(ctx: Ctx, deskId: string): Promise<SurveySettings> {
  const [row] = await ctx.db
    .select()
    .from(satisfactionSettings)
    .where(and(eq(satisfactionSettings.workspaceId, ctx.workspaceId), eq(satisfactionSettings.deskId, deskId)));
  return row ? fromRow(row) : defaults(deskId);
}

export async function updateSurveySettings(ctx: Ctx, deskId: string, patch: Partial<Omit<SurveySettings, "deskId">>): Promise<SurveySettings> {
  authorize(ctx.actor, "workspace.admin");
  if (patch.delayMinutes !== undefined && (!Number.isInteger(patch.delayMinutes) || patch.delayMinutes < 0 || patch.delayMinutes > MAX_DELAY_MINUTES)) {
    throw invalid([{ path: "delayMinutes", message: `a whole number of minutes from 0 to ${MAX_DELAY_MINUTES}` }]);
  }
  return inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    const before = await readSettings(tx, deskId);
    const next = { ...before, ...patch, deskId };
    await tx.db
      .insert(satisfactionSettings)
      .values({ workspaceId: tx.workspaceId, deskId, enabled: next.enabled, delayMinutes: next.delayMinutes, updatedAt: tx.clock.now() })
      .onConflictDoUpdate({
        target: [satisfactionSettings.workspaceId, satisfactionSettings.deskId],
        set: { enabled: next.enabled, delayMinutes: next.delayMinutes, updatedAt: tx.clock.now() },
      });
    await recordActivity(tx, {
      type: "satisfaction.settings_changed",
      subjectType: "desk",
      subjectId: deskId,
      changes: { enabled: [before.enabled, next.enabled], delayMinutes: [before.delayMinutes, next.delayMinutes] },
    });
    return next;
  });
}

/** The contact's language for the survey: the ticket's, else the contact's, else the desk's. */
async function surveyLocale(ctx: Ctx, ticket: TicketRow): Promise<string> {
  if (ticket.language) return resolveLocale(ticket.language);
  const contact = await getContactRow(ctx, ticket.requesterId).catch(() => undefined);
  if (contact?.locale) return resolveLocale(contact.locale);
  return resolveLocale((await getDesk(ctx, ticket.deskId)).defaultLanguage);
}

/**
 * Schedules the survey when a ticket becomes solved on a desk that offers
 * one. Queued, so it never slows the agent's click; the receipt and the
 * unique ticket index make a redelivered job a no-op.
 */
export const offerSurveyOnSolve: Reactor = {
  name: "feedback.offer-survey",
  on: ["ticket.updated"],
  // Only a change to solved: every other ticket update costs no job.
  accepts: (activity) => activity.changes.status?.[1] === "solved",
  async handle(ctx, activity) {
    const status = activity.changes.status as [unknown, unknown] | undefined;
    if (status?.[1] !== "solved" || !activity.ticketId) return;
    const ticket = await readTicket(ctx, activity.ticketId);
    if (!ticket || ticket.status !== "solved" || ticket.mergedIntoId) return;
    const settings = await readSettings(ctx, ticket.deskId);
    if (!settings.enabled) return;
    const now = ctx.clock.now();
    const [created] = await ctx.db
      .insert(satisfactionSurveys)
      .values({
        id: newId(),
        workspaceId: ctx.workspaceId,
        ticketId: ticket.id,
        deskId: ticket.deskId,
        contactId: ticket.requesterId,
        agentId: ticket.assigneeId,
        channel: ticket.channel,
        locale: await surveyLocale(ctx, ticket),
        dueAt: new Date(now.getTime() + settings.delayMinutes * 60_000),
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (created && settings.delayMinutes === 0) await sendSurvey(ctx, created);
  },
};

/** Channels where a reply is a short text: the link alone, no e-mail prose. */
const SHORT = new Set(["sms", "whatsapp", "chat", "messenger", "instagram"]);

export async function surveyUrl(ctx: Ctx, survey: Pick<SatisfactionSurveyRow, "deskId" | "locale">, token: string, publicUrl: string): Promise<string> {
  const desk = await getDesk(ctx, survey.deskId);
  const site = await getPublicDesk(ctx, desk.key);
  const locales = site?.helpCenter.locales ?? [survey.locale];
  const locale = locales.includes(survey.locale) ? survey.locale : (locales[0] ?? "en");
  return `${publicUrl}/help/${encodeURIComponent(desk.key)}/${locale}/satisfaction/${token}`;
}

/**
 * Sends a due survey: a fresh token, its hash on the row, and the message on
 * the ticket. A ticket reopened before the survey went out loses the pending
 * survey (the next solve schedules a new one); a closed ticket takes no more
 * messages, so its survey is dropped too.
 */
async function sendSurvey(ctx: Ctx, survey: SatisfactionSurveyRow): Promise<boolean> {
  const system = withActor(ctx, systemActor("feedback"));
  const ticket = await readTicket(system, survey.ticketId);
  const drop = () => system.db.delete(satisfactionSurveys).where(and(eq(satisfactionSurveys.workspaceId, ctx.workspaceId), eq(satisfactionSurveys.id, survey.id)));
  if (!ticket || ticket.status !== "solved" || ticket.mergedIntoId) {
    await drop();
    return false;
  }
  const token = randomBytes(32).toString("base64url");
  const now = system.clock.now();
  const expiresAt = new Date(now.getTime() + SURVEY_DAYS * 86_400_000);
  await system.db
    .update(satisfactionSurveys)
    .set({ tokenHash: sha256(token), offeredAt: now, expiresAt })
    .where(and(eq(satisfactionSurveys.workspaceId, ctx.workspaceId), eq(satisfactionSurveys.id, survey.id)));
  const url = await surveyUrl(system, survey, token, channelRuntime().publicUrl.replace(/\/+$/, ""));
  const key = SHORT.has(ticket.channel) ? "feedback:survey.short" : "feedback:survey.long";
  const text = t(survey.locale, key, { url, number: ticket.number, subject: ticket.subject, days: SURVEY_DAYS });
  const { message } = await addMessage(system, ticket.id, { kind: "outbound", text });
  await recordActivity(system, {
    type: "satisfaction.offered",
    subjectType: "satisfaction_survey",
    subjectId: survey.id,
    ticketId: ticket.id,
    data: { messageId: message.id, channel: ticket.channel, locale: survey.locale, expiresAt: expiresAt.toISOString() },
  });
  return true;
}

/**
 * Sends the surveys whose delay has passed, across workspaces. Safe to run
 * in every worker at once: rows are claimed with SKIP LOCKED.
 */
export async function sendDueSurveys(base: Pick<Ctx, "db" | "clock" | "outbox">): Promise<number> {
  let sent = 0;
  await base.db.transaction(async (db) => {
    const due = await db
      .select()
      .from(satisfactionSurveys)
      .where(and(isNull(satisfactionSurveys.offeredAt), lte(satisfactionSurveys.dueAt, base.clock.now())))
      .orderBy(asc(satisfactionSurveys.dueAt))
      .limit(SWEEP_BATCH)
      .for("update", { skipLocked: true });
    for (const survey of due) {
      const ctx: Ctx = { ...base, db, inTx: true, workspaceId: survey.workspaceId, actor: systemActor("feedback") };
      if (await sendSurvey(ctx, survey)) sent++;
    }
  });
  return sent;
}

/** The survey of a ticket, if one was offered or is waiting to be. */
export async function getTicketSatisfaction(ctx: Ctx, ticketIdOrNumber: string): Promise<SatisfactionSurveyRow | undefined> {
  const ticket = await getTicket(ctx, ticketIdOrNumber); // authorizes and scopes by desk
  const [row] = await ctx.db
    .select()
    .from(satisfactionSurveys)
    .where(and(eq(satisfactionSurveys.workspaceId, ctx.workspaceId), eq(satisfactionSurveys.ticketId, ticket.id)));
  return row;
}

export const feedbackReactors: Reactor[] = [offerSurveyOnSolve];
