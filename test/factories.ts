import { randomBytes } from "node:crypto";
import type { App } from "../src/app";
import { type Ctx, systemActor } from "../src/platform/context";
import { createDesk } from "../src/modules/desks/service";
import type { DeskRow } from "../src/modules/desks/schema";
import type { Role } from "../src/modules/identity/schema";
import { type AgentWithAccess, actorOf, createAgent } from "../src/modules/identity/service";
import { type NewTicket, createTicket } from "../src/modules/tickets/service";
import { createWorkspace } from "../src/modules/workspaces/service";
import type { WorkspaceRow } from "../src/modules/workspaces/schema";

/**
 * Small factories for tests that read like the seeds. Every test makes its
 * own workspace, so tests never see each other's data and need no cleanup.
 */
export const uid = () => randomBytes(5).toString("hex");

export interface TestWorkspace {
  workspace: WorkspaceRow;
  system: Ctx;
  admin: TestAgent;
  desk: DeskRow;
  otherDesk: DeskRow;
}

export interface TestAgent {
  agent: AgentWithAccess;
  ctx: Ctx;
}

export async function makeWorkspace(app: App, name = "Box office"): Promise<TestWorkspace> {
  const workspace = await createWorkspace(app.database.db, app.clock, { slug: `ws-${uid()}`, name: `${name} ${uid()}` });
  const system = app.ctx(workspace.id, systemActor("test"));
  const desk = await createDesk(system, { key: "fans", name: "Fans" });
  const otherDesk = await createDesk(system, { key: "advertisers", name: "Advertisers", kind: "advertisers" });
  const admin = await makeAgent(app, workspace.id, { role: "admin", allDesks: true });
  return { workspace, system, admin, desk, otherDesk };
}

export const TEST_PASSWORD = "correct horse battery staple";

export async function makeAgent(
  app: App,
  workspaceId: string,
  options: {
    role?: Role;
    deskIds?: string[];
    allDesks?: boolean;
    name?: string;
    email?: string;
    password?: string;
    teamIds?: string[];
  } = {},
): Promise<TestAgent> {
  const system = app.ctx(workspaceId, systemActor("test"));
  const agent = await createAgent(system, {
    email: options.email ?? `agent-${uid()}@usher.test`,
    name: options.name ?? `Agent ${uid()}`,
    role: options.role ?? "agent",
    password: options.password ?? TEST_PASSWORD,
    deskIds: options.deskIds,
    allDesks: options.allDesks,
    teamIds: options.teamIds,
  });
  return { agent, ctx: app.ctx(workspaceId, actorOf(agent, "session")) };
}

export async function makeTicket(ctx: Ctx, deskId: string, overrides: Partial<NewTicket> = {}) {
  return createTicket(ctx, {
    deskId,
    subject: "My ticket won't scan at the door",
    channel: "email",
    requester: { identities: [{ kind: "email", value: `fan-${uid()}@example.com` }], name: "Dana Fan" },
    message: { text: "Hi, the barcode on my ticket for tonight is rejected at gate B." },
    ...overrides,
  });
}
