import { and, eq } from "drizzle-orm";
import { type Ctx, inTransaction, withActor } from "../../platform/context";
import { DomainError, invalid } from "../../platform/errors";
import { htmlToText } from "../../platform/html";
import { recordActivity } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { type SatisfactionRating, type SatisfactionReason, type SatisfactionSurveyRow, satisfactionReasons, satisfactionRatings, satisfactionSurveys } from "./schema";
import { sha256 } from "./service";

/**
 * The fan's side: a survey found by the token in its link. The token is 256
 * random bits and only its hash is stored; it opens one ticket's survey and
 * nothing else, and works until the survey expires — until then the fan may
 * change their mind, as Zendesk allows.
 */

export const COMMENT_MAX = 2000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The survey behind a token, in the workspace and desk whose page it is
 * opened on. A malformed, unknown or foreign token is `not_found` (nothing
 * tells a guesser which); an expired one is `satisfaction.expired`.
 */
export async function surveyByToken(ctx: Ctx, deskId: string, token: string): Promise<SatisfactionSurveyRow> {
  const missing = () => new DomainError("satisfaction.link_invalid", "This survey link is not valid");
  if (!TOKEN.test(token)) throw missing();
  const [row] = await ctx.db
    .select()
    .from(satisfactionSurveys)
    .where(and(eq(satisfactionSurveys.workspaceId, ctx.workspaceId), eq(satisfactionSurveys.tokenHash, sha256(token))));
  if (!row || row.deskId !== deskId || !row.expiresAt) throw missing();
  if (row.expiresAt.getTime() <= ctx.clock.now().getTime()) {
    throw new DomainError("satisfaction.expired", "This survey has closed", { expiredAt: row.expiresAt.toISOString() });
  }
  return row;
}

export interface RatingInput {
  rating: string;
  reason?: string | null;
  comment?: string | null;
}

/** Comment text from a public form: markup dropped, card numbers masked, as for every inbound text. */
export function cleanComment(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = redactCardNumbers(htmlToText(raw)).text.trim();
  if (text.length > COMMENT_MAX) throw invalid([{ path: "comment", message: `at most ${COMMENT_MAX} characters` }]);
  return text || null;
}

function checkInput(input: RatingInput): { rating: SatisfactionRating; reason: SatisfactionReason | null; comment: string | null } {
  if (!(satisfactionRatings as readonly string[]).includes(input.rating)) throw invalid([{ path: "rating", message: "good or bad" }]);
  const rating = input.rating as SatisfactionRating;
  const reason = input.reason ? input.reason : null;
  if (reason !== null && !(satisfactionReasons as readonly string[]).includes(reason)) {
    throw invalid([{ path: "reason", message: `one of ${satisfactionReasons.join(", ")}` }]);
  }
  // A reason explains a bad rating; with a good one it is dropped rather than refused (the form keeps the choice).
  return { rating, reason: rating === "bad" ? (reason as SatisfactionReason | null) : null, comment: cleanComment(input.comment) };
}

/**
 * Records (or changes) the rating behind a token, as the contact, with a
 * `satisfaction.rated` activity on the ticket. Rating the same way twice
 * changes nothing and records nothing.
 */
export async function rateByToken(ctx: Ctx, deskId: string, token: string, input: RatingInput): Promise<SatisfactionSurveyRow> {
  const values = checkInput(input);
  return inTransaction(ctx, async (tx) => {
    const survey = await surveyByToken(tx, deskId, token);
    const [locked] = await tx.db
      .select()
      .from(satisfactionSurveys)
      .where(and(eq(satisfactionSurveys.workspaceId, tx.workspaceId), eq(satisfactionSurveys.id, survey.id)))
      .for("update");
    const before = locked!;
    if (before.rating === values.rating && before.reason === values.reason && before.comment === values.comment) return before;
    const now = tx.clock.now();
    const [after] = await tx.db
      .update(satisfactionSurveys)
      .set({ ...values, ratedAt: now })
      .where(and(eq(satisfactionSurveys.workspaceId, tx.workspaceId), eq(satisfactionSurveys.id, survey.id)))
      .returning();
    await recordActivity(withActor(tx, { kind: "contact", contactId: survey.contactId }), {
      type: "satisfaction.rated",
      subjectType: "satisfaction_survey",
      subjectId: survey.id,
      ticketId: survey.ticketId,
      changes: before.rating ? { rating: [before.rating, values.rating] } : {},
      data: { rating: values.rating, reason: values.reason, comment: values.comment, agentId: survey.agentId, changed: before.rating !== null },
    });
    return after!;
  });
}
