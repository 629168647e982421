import { and, eq } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, type FieldProblem, notFound } from "../../platform/errors";
import { recordActivity } from "../activity/service";
import { authorize } from "../identity/policy";
import type { TicketRow } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import { type CreativeRequestRow, type CreativeState, creativeRequests } from "./schema";

/**
 * The advertiser desk's creative requests: a brief and a file, then an
 * approval. States and who moves them:
 *
 *   submitted ──(agent: review)──► in_review ──(agent)──► approved
 *       ▲                              │
 *       └──(advertiser: resubmit)── changes_requested ◄──(agent)
 *
 * Every transition is an activity on the ticket (`creative_request.<state>`).
 */
export const CREATIVE_FORMATS = [
  "display_300x250",
  "display_728x90",
  "mobile_320x50",
  "video_preroll",
  "audio_spot",
  "sponsorship",
] as const;

export interface CreativeBrief {
  campaign: string;
  format: (typeof CREATIVE_FORMATS)[number];
  flightStart: string;
  flightEnd: string;
  landingUrl: string;
}

const TRANSITIONS: Record<CreativeState, { agent: CreativeState[]; contact: CreativeState[] }> = {
  submitted: { agent: ["in_review"], contact: [] },
  in_review: { agent: ["approved", "changes_requested"], contact: [] },
  changes_requested: { agent: [], contact: ["submitted"] },
  approved: { agent: [], contact: [] },
};

export function checkCreativeBrief(input: Partial<Record<keyof CreativeBrief, string>>): {
  brief?: CreativeBrief;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const campaign = input.campaign?.trim() ?? "";
  if (!campaign || campaign.length > 200) problems.push({ path: "creative.campaign", message: "required", code: "required" });
  const format = input.format as CreativeBrief["format"];
  if (!CREATIVE_FORMATS.includes(format)) problems.push({ path: "creative.format", message: "choose a format", code: "required" });
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(input.flightStart ?? "")) problems.push({ path: "creative.flightStart", message: "a date", code: "required" });
  if (!date.test(input.flightEnd ?? "")) problems.push({ path: "creative.flightEnd", message: "a date", code: "required" });
  else if (input.flightStart && input.flightEnd! < input.flightStart)
    problems.push({ path: "creative.flightEnd", message: "after the start", code: "invalid_value" });
  let landingUrl = "";
  try {
    const url = new URL(input.landingUrl ?? "");
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
    landingUrl = url.toString();
  } catch {
    problems.push({ path: "creative.landingUrl", message: "an http(s) address", code: "invalid_value" });
  }
  if (problems.length) return { problems };
  return { brief: { campaign, format, flightStart: input.flightStart!, flightEnd: input.flightEnd!, landingUrl }, problems };
}

/** Called in the transaction that created the ticket. */
export async function startCreativeRequest(ctx: Ctx, ticket: TicketRow, brief: CreativeBrief): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .insert(creativeRequests)
    .values({ ticketId: ticket.id, workspaceId: ctx.workspaceId, state: "submitted", brief: { ...brief }, createdAt: now, updatedAt: now });
  await recordActivity(ctx, {
    type: "creative_request.submitted",
    subjectType: "ticket",
    subjectId: ticket.id,
    ticketId: ticket.id,
    data: { ...brief },
  });
}

export async function getCreativeRequest(ctx: Ctx, ticketId: string): Promise<CreativeRequestRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(creativeRequests)
    .where(and(eq(creativeRequests.workspaceId, ctx.workspaceId), eq(creativeRequests.ticketId, ticketId)));
  return row;
}

/**
 * Moves a creative request. Agents review and decide (they need to be able
 * to update the ticket); the advertiser resubmits after changes were asked
 * for. Anything else is an invalid transition.
 */
export async function transitionCreativeRequest(
  ctx: Ctx,
  ticketId: string,
  to: CreativeState,
  note?: string | null,
): Promise<CreativeRequestRow> {
  const who = ctx.actor.kind === "contact" ? "contact" : "agent";
  if (who === "agent") authorize(ctx.actor, "ticket.update");
  return inTransaction(ctx, async (tx) => {
    if (who === "agent") await getTicket(tx, ticketId); // desk access
    const [current] = await tx.db
      .select()
      .from(creativeRequests)
      .where(and(eq(creativeRequests.workspaceId, tx.workspaceId), eq(creativeRequests.ticketId, ticketId)))
      .for("update");
    if (!current) throw notFound("creative request", ticketId);
    if (!TRANSITIONS[current.state][who].includes(to)) {
      throw new DomainError(
        "creative.invalid_transition",
        `A creative request that is ${current.state.replace("_", " ")} cannot become ${to.replace("_", " ")} this way`,
        {
          from: current.state,
          to,
        },
      );
    }
    const [row] = await tx.db
      .update(creativeRequests)
      .set({
        state: to,
        updatedAt: tx.clock.now(),
        ...(who === "agent"
          ? { decidedByAgentId: tx.actor.kind === "agent" ? tx.actor.agentId : null, decisionNote: note?.slice(0, 2000) ?? null }
          : {}),
      })
      .where(eq(creativeRequests.ticketId, ticketId))
      .returning();
    await recordActivity(tx, {
      type: `creative_request.${to}`,
      subjectType: "ticket",
      subjectId: ticketId,
      ticketId,
      changes: { state: [current.state, to] },
      data: note ? { note: note.slice(0, 2000) } : {},
    });
    return row!;
  });
}
