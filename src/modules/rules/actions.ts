import { z } from "zod";
import { invalid } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { type TicketRow, priorities, ticketStatuses } from "../tickets/schema";
import type { TicketPatch } from "../tickets/service";

/**
 * What rules, automations and macros do, as data. `plan` turns actions into
 * a ticket patch plus side effects without touching anything, so a dry run
 * and the real run share one code path up to the write.
 */
export const settableFields = ["status", "priority", "tier", "category", "team", "language", "assignee"] as const;

export const ruleActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("set"), field: z.enum(settableFields), value: z.union([z.string().max(200), z.number(), z.null()]) }).strict(),
  z.object({ type: z.literal("add_tags"), tags: z.array(z.string().max(100)).min(1).max(50) }).strict(),
  z.object({ type: z.literal("remove_tags"), tags: z.array(z.string().max(100)).min(1).max(50) }).strict(),
  z.object({ type: z.literal("set_custom_field"), key: z.string().regex(/^[a-z0-9_]{1,64}$/), value: z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]) }).strict(),
  /** Assign to an agent, to whoever applies the macro ("me"), or by the desk's routing ("route"). */
  z.object({ type: z.literal("assign"), to: z.union([z.uuid(), z.literal("me"), z.literal("route")]) }).strict(),
  /** An in-app notification to agents. */
  z
    .object({
      type: z.literal("notify"),
      to: z.union([z.literal("assignee"), z.literal("team"), z.uuid()]),
      text: z.string().min(1).max(2000),
    })
    .strict(),
  /** A public reply from Usher, by locale ("en" as the fallback), with {{placeholders}}. */
  z
    .object({
      type: z.literal("reply"),
      text: z.record(z.string().regex(/^[a-z]{2,3}$/), z.string().min(1).max(20_000)),
    })
    .strict(),
  /** Links the ticket to the ticket that tracks an incident. */
  z.object({ type: z.literal("link_incident"), incidentId: z.uuid() }).strict(),
  /** POSTs the ticket to a URL, signed with HMAC-SHA256 of the body under the secret. */
  z.object({ type: z.literal("webhook"), url: z.url().max(2000), secret: z.string().min(16).max(200) }).strict(),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export type Effect =
  | { type: "notify"; to: string; text: string }
  | { type: "reply"; text: string }
  | { type: "link_incident"; incidentId: string }
  | { type: "webhook"; url: string; index: number }
  | { type: "route" };

export interface Plan {
  patch: TicketPatch;
  effects: Effect[];
}

export interface PlanEnv {
  /** The agent applying a macro ("me"). */
  agentId?: string;
  locale?: string | null;
  requesterName?: string | null;
}

export function plan(ticket: TicketRow, actions: RuleAction[], env: PlanEnv = {}): Plan {
  const patch: TicketPatch = {};
  const effects: Effect[] = [];
  actions.forEach((action, index) => {
    switch (action.type) {
      case "set":
        setField(patch, action.field, action.value);
        break;
      case "add_tags":
        patch.addTags = [...(patch.addTags ?? []), ...action.tags];
        break;
      case "remove_tags":
        patch.removeTags = [...(patch.removeTags ?? []), ...action.tags];
        break;
      case "set_custom_field":
        patch.customFields = { ...patch.customFields, [action.key]: action.value };
        break;
      case "assign":
        if (action.to === "route") effects.push({ type: "route" });
        else if (action.to === "me") {
          if (env.agentId) patch.assigneeId = env.agentId;
        } else patch.assigneeId = action.to;
        break;
      case "notify":
        effects.push({ type: "notify", to: action.to, text: render(action.text, ticket, env) });
        break;
      case "reply": {
        const text = action.text[env.locale ?? ""] ?? action.text[ticket.language ?? ""] ?? action.text.en ?? Object.values(action.text)[0]!;
        effects.push({ type: "reply", text: render(text, ticket, env) });
        break;
      }
      case "link_incident":
        effects.push({ type: "link_incident", incidentId: action.incidentId });
        break;
      case "webhook":
        effects.push({ type: "webhook", url: action.url, index });
        break;
    }
  });
  return { patch, effects };
}

function setField(patch: TicketPatch, field: (typeof settableFields)[number], value: string | number | null) {
  switch (field) {
    case "status":
      patch.status = value as TicketPatch["status"];
      break;
    case "priority":
      patch.priority = value as TicketPatch["priority"];
      break;
    case "tier":
      patch.tier = Number(value);
      break;
    case "category":
      patch.categoryId = value as string | null;
      break;
    case "team":
      patch.teamId = value as string | null;
      break;
    case "language":
      patch.language = value as string | null;
      break;
    case "assignee":
      patch.assigneeId = value as string | null;
      break;
  }
}

/** {{ticket.number}}, {{ticket.subject}}, {{ticket.status}}, {{requester.name}} — nothing else is expanded. */
export function render(template: string, ticket: TicketRow, env: PlanEnv): string {
  const values: Record<string, string> = {
    "ticket.number": String(ticket.number),
    "ticket.subject": ticket.subject,
    "ticket.status": ticket.status,
    "ticket.priority": ticket.priority,
    "requester.name": env.requesterName ?? "",
  };
  return template.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Checks values the schema cannot: statuses, priorities, tiers, ids. */
export function validateActions(actions: RuleAction[], path = "actions"): void {
  const problems: { path: string; message: string }[] = [];
  actions.forEach((a, i) => {
    if (a.type !== "set") return;
    const p = `${path}.${i}.value`;
    if (a.field === "status" && !ticketStatuses.includes(a.value as never)) problems.push({ path: p, message: `one of ${ticketStatuses.join(", ")}` });
    if (a.field === "priority" && !priorities.includes(a.value as never)) problems.push({ path: p, message: `one of ${priorities.join(", ")}` });
    if (a.field === "tier" && ![1, 2, 3].includes(Number(a.value))) problems.push({ path: p, message: "1, 2 or 3" });
    if (["category", "team", "assignee"].includes(a.field) && a.value !== null && !isUuid(a.value)) problems.push({ path: p, message: "an id or null" });
  });
  if (problems.length) throw invalid(problems, "The actions are not valid");
}

/** What a patch would change on the ticket, as `{field: [before, after]}` (for dry runs). */
export function preview(ticket: TicketRow, patch: TicketPatch): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  const put = (field: string, before: unknown, after: unknown) => {
    if (after !== undefined && JSON.stringify(before) !== JSON.stringify(after)) changes[field] = [before, after];
  };
  put("status", ticket.status, patch.status);
  put("priority", ticket.priority, patch.priority);
  put("tier", ticket.tier, patch.tier);
  put("categoryId", ticket.categoryId, patch.categoryId);
  put("teamId", ticket.teamId, patch.teamId);
  put("language", ticket.language, patch.language);
  put("assigneeId", ticket.assigneeId, patch.assigneeId);
  if (patch.addTags || patch.removeTags) {
    const remove = new Set(patch.removeTags ?? []);
    put("tags", ticket.tags, [...new Set([...ticket.tags, ...(patch.addTags ?? []).map((t) => t.toLowerCase())])].filter((t) => !remove.has(t)).sort());
  }
  if (patch.customFields) put("customFields", ticket.customFields, { ...ticket.customFields, ...patch.customFields });
  if (ticket.status === "new" && patch.assigneeId && !patch.status) put("status", ticket.status, "open");
  return changes;
}
