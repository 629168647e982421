import { describe, expect, it } from "vitest";
import { TEST_PASSWORD, makeAgent, makeTicket, makeWorkspace, uid } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { DomainError } from "../../platform/errors";
import { listTickets } from "../tickets/service";
import { authenticateSession, authenticateToken, createApiToken, signIn } from "./auth";
import { createTeam, getAgent, listAgents, updateAgent, updateTeam } from "./service";

const clock = new ControlledClock("2026-03-01T09:00:00Z");
const app = useTestApp({ clock });
const deps = () => ({ db: app().database.db, clock, sessionDays: 14 });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`),
  );
}

describe("agents and sessions", () => {
  it("signs in by e-mail (any case) and password; the session slides and expires", async () => {
    const { workspace } = await makeWorkspace(app());
    const email = `Taras.${uid()}@Lumen.Example`;
    await makeAgent(app(), workspace.id, { email });
    const session = await signIn(deps(), { email: email.toUpperCase(), password: TEST_PASSWORD });
    expect(session.agent.email).toBe(email.toLowerCase());
    expect(await authenticateSession(deps(), session.sessionId)).toMatchObject({ workspaceId: workspace.id });
    clock.advance(13 * 86_400_000); // used again before expiry: slides forward
    expect(await authenticateSession(deps(), session.sessionId)).toBeDefined();
    clock.advance(13 * 86_400_000);
    expect(await authenticateSession(deps(), session.sessionId)).toBeDefined();
    clock.advance(15 * 86_400_000); // idle longer than 14 days: gone
    expect(await authenticateSession(deps(), session.sessionId)).toBeUndefined();
  });

  it("asks which workspace when the same e-mail is an agent in two", async () => {
    const a = await makeWorkspace(app());
    const b = await makeWorkspace(app());
    const email = `shared-${uid()}@lumen.example`;
    await makeAgent(app(), a.workspace.id, { email });
    await makeAgent(app(), b.workspace.id, { email });
    expect(await codeOf(signIn(deps(), { email, password: TEST_PASSWORD }))).toBe("validation.failed");
    expect((await signIn(deps(), { email, password: TEST_PASSWORD, workspace: b.workspace.slug })).workspaceId).toBe(b.workspace.id);
  });

  it("changing a password needs the current one and signs the agent out everywhere", async () => {
    const { workspace } = await makeWorkspace(app());
    const email = `pw-${uid()}@lumen.example`;
    const { agent, ctx } = await makeAgent(app(), workspace.id, { email });
    const session = await signIn(deps(), { email, password: TEST_PASSWORD });
    expect(await codeOf(updateAgent(ctx, agent.id, { password: "a brand new secret" }))).toBe("validation.failed");
    expect(await codeOf(updateAgent(ctx, agent.id, { password: "short", currentPassword: TEST_PASSWORD }))).toBe("validation.failed");
    await updateAgent(ctx, agent.id, { password: "a brand new secret", currentPassword: TEST_PASSWORD });
    expect(await authenticateSession(deps(), session.sessionId)).toBeUndefined();
    expect(await codeOf(signIn(deps(), { email, password: TEST_PASSWORD }))).toBe("auth.invalid_credentials");
    expect((await signIn(deps(), { email, password: "a brand new secret" })).agent.id).toBe(agent.id);
  });

  it("deactivating an agent ends their sessions and tokens; the last admin cannot be demoted", async () => {
    const { workspace, admin } = await makeWorkspace(app());
    const email = `leaver-${uid()}@lumen.example`;
    const leaver = await makeAgent(app(), workspace.id, { email });
    const session = await signIn(deps(), { email, password: TEST_PASSWORD });
    const { token } = await createApiToken(leaver.ctx, { name: "script" });
    expect(await authenticateToken(deps(), token)).toBeDefined(); // and remembered by this process
    await updateAgent(admin.ctx, leaver.agent.id, { status: "deactivated" });
    expect(await authenticateSession(deps(), session.sessionId)).toBeUndefined();
    expect(await authenticateToken(deps(), token)).toBeUndefined();
    expect(await codeOf(signIn(deps(), { email, password: TEST_PASSWORD }))).toBe("auth.deactivated");

    expect(await codeOf(updateAgent(admin.ctx, admin.agent.id, { role: "agent" }))).toBe("agent.last_admin");
    const second = await makeAgent(app(), workspace.id, { role: "admin" });
    await updateAgent(admin.ctx, admin.agent.id, { role: "agent" });
    expect(await codeOf(updateAgent(second.ctx, second.agent.id, { status: "deactivated" }))).toBe("agent.last_admin");
  });

  it("a token's access follows the agent's role and desks at once, though the process remembers tokens", async () => {
    const { workspace, admin, desk, otherDesk } = await makeWorkspace(app());
    const worker = await makeAgent(app(), workspace.id, { role: "agent", deskIds: [desk.id] });
    const { token } = await createApiToken(worker.ctx, { name: "script" });
    expect((await authenticateToken(deps(), token))?.actor).toMatchObject({ role: "agent", deskIds: [desk.id] });
    await updateAgent(admin.ctx, worker.agent.id, { role: "light_agent", deskIds: [otherDesk.id] });
    expect((await authenticateToken(deps(), token))?.actor).toMatchObject({ role: "light_agent", deskIds: [otherDesk.id] });
  });

  it("an expired token stops working", async () => {
    const { admin } = await makeWorkspace(app());
    const { token } = await createApiToken(admin.ctx, { name: "weekly report", expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    expect(await authenticateToken(deps(), token)).toBeDefined();
    clock.advance(2 * 3_600_000);
    expect(await authenticateToken(deps(), token)).toBeUndefined();
    expect(await authenticateToken(deps(), "usher_pat_guessed")).toBeUndefined();
  });
});

describe("desk access", () => {
  it("follows the agent's desks, teams and role as they change", async () => {
    const { workspace, admin, desk, otherDesk } = await makeWorkspace(app());
    await makeTicket(admin.ctx, desk.id);
    await makeTicket(admin.ctx, otherDesk.id);
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    expect((await listTickets(agent.ctx)).items.map((t) => t.deskId)).toEqual([desk.id]);
    const widened = await updateAgent(admin.ctx, agent.agent.id, { deskIds: [desk.id, otherDesk.id] });
    expect(widened.deskIds.sort()).toEqual([desk.id, otherDesk.id].sort());
    const team = await createTeam(admin.ctx, { key: "tier-2", name: "Tier 2", agentIds: [agent.agent.id] });
    expect((await getAgent(admin.ctx, agent.agent.id)).teamIds).toEqual([team.id]);
    await updateTeam(admin.ctx, team.id, { agentIds: [] });
    expect((await getAgent(admin.ctx, agent.agent.id)).teamIds).toEqual([]);
    const page = await listAgents(admin.ctx, { deskId: otherDesk.id });
    expect(page.items.map((a) => a.id).sort()).toEqual([admin.agent.id, agent.agent.id].sort());
  });
});
