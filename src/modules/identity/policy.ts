import { type AnyColumn, type SQL, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../platform/context";
import { type DomainError, forbidden } from "../../platform/errors";
import type { Role } from "./schema";

/**
 * Who may do what. Enforced in the services (DESIGN principle 8), so the API,
 * the CLI and reactors obey the same rules.
 *
 * - admin: everything, every desk.
 * - supervisor: agent work plus bulk changes, merges and splits; tags and views.
 * - agent: works tickets of their desks.
 * - light_agent: reads tickets of their desks and writes internal notes only.
 */
export type Action =
  | "ticket.read"
  | "ticket.create"
  | "ticket.update"
  | "ticket.reply"
  | "ticket.note"
  | "ticket.merge"
  | "ticket.bulk"
  | "contact.read"
  | "contact.write"
  | "contact.merge"
  | "directory.read"
  | "tags.manage"
  | "kb.read"
  | "kb.write"
  | "kb.manage"
  | "workspace.admin"
  | "commerce.read"
  | "commerce.act"
  | "commerce.approve"
  | "commerce.manage"
  | "automation.manage"
  | "incident.manage"
  | "incident.broadcast";

// Everyone reads the fan's orders (customer 360); agents run commerce workflows within policy.
const LIGHT: Action[] = ["ticket.read", "ticket.note", "contact.read", "directory.read", "kb.read", "commerce.read"];
const AGENT: Action[] = [
  ...LIGHT,
  "ticket.create",
  "ticket.update",
  "ticket.reply",
  "ticket.merge",
  "contact.write",
  "kb.write",
  "commerce.act",
  "incident.manage",
];
// Supervisors and admins shape what every agent works with: knowledge-base structure and branding;
// calendars, SLA policies, priority factors, rules and routing; and they approve refunds beyond policy.
// Speaking to everyone affected by an incident at once is a supervisor's call.
const SUPERVISOR: Action[] = [
  ...AGENT,
  "ticket.bulk",
  "contact.merge",
  "tags.manage",
  "kb.manage",
  "automation.manage",
  "commerce.approve",
  "incident.broadcast",
];
const ADMIN: Action[] = [...SUPERVISOR, "workspace.admin", "commerce.manage"];

const ALLOWED: Record<Role | "system", ReadonlySet<Action>> = {
  light_agent: new Set(LIGHT),
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
  // Usher itself (intake, reactors, CLI) acts with an admin's reach.
  system: new Set(ADMIN),
};

export function can(actor: Actor, action: Action): boolean {
  if (actor.kind === "contact") return false; // contacts act through the portal's own services
  return ALLOWED[actor.kind === "agent" ? actor.role : "system"].has(action);
}

/** Everything the actor may do: the web app shows only what the server would allow (the server still checks). */
export function permissionsOf(actor: Actor): Action[] {
  if (actor.kind === "contact") return [];
  return [...ALLOWED[actor.kind === "agent" ? actor.role : "system"]].sort();
}

export function authorize(actor: Actor, action: Action, message?: string): void {
  if (!can(actor, action)) throw forbidden(message ?? `Your role may not ${describe(action)}`);
}

/** Desks the actor may see: "all", or a list. */
export function deskScope(actor: Actor): "all" | readonly string[] {
  if (actor.kind === "system") return "all";
  if (actor.kind === "contact") return [];
  if (actor.role === "admin" || actor.allDesks) return "all";
  return actor.deskIds;
}

export function canAccessDesk(actor: Actor, deskId: string): boolean {
  const scope = deskScope(actor);
  return scope === "all" || scope.includes(deskId);
}

/**
 * Resources outside the actor's desks are reported as not found, not
 * forbidden: their existence is itself information.
 */
export function assertDeskAccess(actor: Actor, deskId: string, notFoundError: () => DomainError): void {
  // A factory: building an Error captures a stack trace, too costly to do on every successful check.
  if (!canAccessDesk(actor, deskId)) throw notFoundError();
}

function describe(action: Action): string {
  const [resource, verb] = action.split(".");
  return `${verb} ${resource === "workspace" ? "workspace settings" : `${resource}s`}`.replace("_", " ");
}

/** A WHERE clause limiting `deskColumn` to the actor's desks (undefined: no limit). */
export function deskFilter(actor: Actor, deskColumn: AnyColumn): SQL | undefined {
  const scope = deskScope(actor);
  if (scope === "all") return undefined;
  return scope.length ? inArray(deskColumn, [...scope]) : sql`false`;
}
