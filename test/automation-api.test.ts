import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app";
import { createApiToken } from "../src/modules/identity/auth";
import { ControlledClock } from "../src/platform/clock";
import { buildServer } from "../src/server";
import { TEST_PASSWORD, makeAgent, makeWorkspace } from "./factories";
import { openTestApp } from "./helpers";

/** The SLA, priority, rules and routing API: shapes, permissions and hostile input. */
let app: App;
let server: FastifyInstance;
const clock = new ControlledClock("2026-01-13T10:00:00Z");

beforeAll(async () => {
  app = await openTestApp({ clock });
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

function client(token: string) {
  const call = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, payload?: unknown) =>
    server.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown) => call("POST", url, body),
    patch: (url: string, body?: unknown) => call("PATCH", url, body),
    put: (url: string, body?: unknown) => call("PUT", url, body),
    delete: (url: string) => call("DELETE", url),
  };
}

const tokenFor = async (ctx: Parameters<typeof createApiToken>[0]) => (await createApiToken(ctx, { name: "test" })).token;

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
  return res.json() as { errors?: { path: string }[] };
}

describe("SLA, priority, rules and routing over the API", { timeout: 30_000 }, () => {
  it("a ticket's SLA timeline, score and reasons are visible; admins edit calendars and policies", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    const created = await api.post("/api/v1/tickets", {
      deskId: desk.id,
      subject: "We cannot sell tickets at the box office",
      channel: "chat",
      requester: { identities: [{ kind: "email", value: "venue@example.com" }] },
      message: { text: "Card terminal fails for every sale" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json();
    expect(ticket).toMatchObject({ priority: "urgent", priorityScore: 10, priorityReasons: [{ factor: "cannot_sell", points: 10, label: "Venue cannot process a sale" }], dueAt: "2026-01-13T10:02:00.000Z" });

    const sla = await api.get(`/api/v1/tickets/${ticket.number}/sla`);
    expect(sla.statusCode, sla.body).toBe(200);
    expect(sla.json()).toEqual({
      policy: { id: expect.any(String), name: "Chat — first reply within 2 minutes" },
      targets: [{ metric: "first_reply", dueAt: "2026-01-13T10:02:00.000Z", achievedAt: null, pausedAt: null, state: "running", businessTime: false, targetMinutes: 2, cycle: 1 }],
    });

    const calendars = (await api.get("/api/v1/sla/calendars")).json().items;
    expect(calendars.map((c: { name: string }) => c.name)).toEqual(["Business hours", "Event hours"]);
    const patched = await api.patch(`/api/v1/sla/calendars/${calendars[0].id}`, { holidays: ["12-25", "2026-01-01"] });
    expect(patched.statusCode, patched.body).toBe(200);
    expectProblem(await api.patch(`/api/v1/sla/calendars/${calendars[0].id}`, { timeZone: "Nowhere/Land" }), 400, "validation.failed");
    expectProblem(await api.post("/api/v1/sla/calendars", { name: "x", timeZone: "UTC", hours: [{ day: 1, start: "17:00", end: "09:00" }] }), 400, "validation.failed");
    expectProblem(await api.delete(`/api/v1/sla/calendars/${calendars[0].id}`), 409, "automation.in_use");

    const policy = await api.post("/api/v1/sla/policies", {
      name: "Advertisers — 8 business hours",
      position: 5,
      conditions: { all: [{ field: "desk", op: "is", value: desk.id }, { field: "requester.tier", op: "is", value: "advertiser" }] },
      targets: [{ metric: "first_reply", minutes: 480 }],
      calendarId: calendars[0].id,
    });
    expect(policy.statusCode, policy.body).toBe(201);
    expect(policy.json()).toMatchObject({ businessTime: true, position: 5 });
    expectProblem(await api.post("/api/v1/sla/policies", { name: "x", targets: [{ metric: "first_reply", minutes: 1 }], extra: true }), 400, "validation.failed");
    expectProblem(await api.post("/api/v1/sla/policies", { name: "x", targets: [{ metric: "whenever", minutes: 1 }] }), 400, "validation.failed");

    // Agents read; they do not change.
    const agent = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const agentApi = client(await tokenFor(agent.ctx));
    expect((await agentApi.get("/api/v1/sla/policies")).statusCode).toBe(200);
    expectProblem(await agentApi.post("/api/v1/sla/policies", { name: "x", targets: [{ metric: "first_reply", minutes: 1 }] }), 403, "auth.forbidden");
    expectProblem(await agentApi.post("/api/v1/priority/factors", { key: "x", label: "x", points: 1 }), 403, "auth.forbidden");
    expectProblem(await agentApi.post("/api/v1/routing/configs", {}), 403, "auth.forbidden");
  });

  it("rules: create, dry run, apply a macro, read the audit; webhook secrets are never shown", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    const ticket = (
      await api.post("/api/v1/tickets", { deskId: desk.id, subject: "Lost my e-ticket", channel: "email", requester: { identities: [{ kind: "email", value: "fan@example.com" }] } })
    ).json();
    const hook = await api.post("/api/v1/rules", {
      kind: "trigger",
      name: "Tell the CRM",
      // Inactive: this test checks how the API shows it, not deliveries (the queue is shared with other test files).
      active: false,
      events: ["updated"],
      changed: ["status"],
      actions: [{ type: "webhook", url: "http://127.0.0.1:9/never", secret: "0123456789abcdef0123" }],
    });
    expect(hook.statusCode, hook.body).toBe(201);
    expect(hook.json().actions[0].secret).toBe("********");
    expectProblem(await api.post("/api/v1/rules", { kind: "trigger", name: "x", actions: [{ type: "webhook", url: "not a url", secret: "short" }] }), 400, "validation.failed");
    expectProblem(await api.post("/api/v1/rules", { kind: "trigger", name: "x", actions: [] }), 400, "validation.failed");

    const macro = await api.post("/api/v1/rules", { kind: "macro", name: "Resend tickets", actions: [{ type: "add_tags", tags: ["resend"] }, { type: "assign", to: "me" }] });
    expect(macro.statusCode, macro.body).toBe(201);
    const dry = await api.post("/api/v1/rules/dry-run", { ruleId: macro.json().id, ticketId: String(ticket.number) });
    expect(dry.json()).toMatchObject({ matches: true, changes: { assigneeId: [null, admin.agent.id], tags: [[], ["resend"]], status: ["new", "open"] } });
    const applied = await api.post(`/api/v1/tickets/${ticket.id}/macros/${macro.json().id}`);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ tags: ["resend"], assigneeId: admin.agent.id, status: "open" });
    const audit = await api.get(`/api/v1/rules/${macro.json().id}/audit`);
    expect(audit.json().items).toEqual([expect.objectContaining({ ticketId: ticket.id, ticket: { number: ticket.number, subject: "Lost my e-ticket" }, actorId: admin.agent.id, changes: expect.objectContaining({ tags: [[], ["resend"]] }) })]);
    expectProblem(await api.post(`/api/v1/tickets/${ticket.id}/macros/00000000-0000-4000-8000-000000000000`), 404, "not_found");
    expectProblem(await api.post("/api/v1/rules/dry-run", { rule: { kind: "trigger", actions: [{ type: "add_tags", tags: ["x"] }] } }), 400, "validation.failed");
  });

  it("availability, routing configuration, priority settings and the hand-over report", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app);
    const agent = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const agentApi = client(await tokenFor(agent.ctx));
    const api = client(await tokenFor(admin.ctx));
    const set = await agentApi.put("/api/v1/agents/me/availability", { status: "online", capacity: { chat: 2, "*": 10 }, shifts: [{ day: 2, start: "08:00", end: "16:00" }], timeZone: "Europe/Kyiv", skills: { languages: ["uk", "en"] } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ status: "online", onShift: true, capacity: { chat: 2 }, skills: { languages: ["uk", "en"], tiers: [] } });
    expectProblem(await agentApi.put("/api/v1/agents/me/availability", { status: "sleeping" }), 400, "validation.failed");
    expectProblem(await agentApi.put(`/api/v1/agents/${admin.agent.id}/availability`, { status: "away" }), 403, "auth.forbidden");

    const config = await api.post("/api/v1/routing/configs", { deskId: desk.id, strategy: "least_loaded" });
    expect(config.statusCode, config.body).toBe(201);
    expectProblem(await api.post("/api/v1/routing/configs", { deskId: desk.id }), 409, "conflict.duplicate");
    const routed = await api.post("/api/v1/tickets", { deskId: desk.id, subject: "Where is my refund?", channel: "email", requester: { identities: [{ kind: "email", value: "fan2@example.com" }] } });
    expect(routed.json().assigneeId).toBe(agent.agent.id);

    expect((await api.put("/api/v1/priority/settings", { bands: { urgent: 20, high: 10, normal: 0 } })).json()).toMatchObject({ bands: { urgent: 20 } });
    expectProblem(await api.put("/api/v1/priority/settings", { bands: { urgent: 1, high: 2, normal: 0 } }), 400, "validation.failed");

    const report = await agentApi.get("/api/v1/handover?date=2026-01-13");
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().agents[0]).toMatchObject({ agent: { id: agent.agent.id }, tickets: [{ ticket: { id: routed.json().id }, notes: [] }] });
    expectProblem(await agentApi.get("/api/v1/handover?date=yesterday"), 400, "validation.failed");
  });

  it("the session lists what the agent may do: only supervisors and admins may manage automation, and the API agrees", async () => {
    const { workspace, desk } = await makeWorkspace(app);
    const sessionOf = async (role: "agent" | "supervisor") => {
      const email = `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@lumen.example`;
      await makeAgent(app, workspace.id, { role, email, deskIds: [desk.id] });
      const signIn = await server.inject({ method: "POST", url: "/api/v1/auth/sign-in", payload: { email, password: TEST_PASSWORD } });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const cookies = { usher_session: signIn.cookies.find((c) => c.name === "usher_session")!.value };
      const session = await server.inject({ method: "GET", url: "/api/v1/auth/session", cookies });
      expect(session.json().permissions).toEqual(signIn.json().permissions);
      return { permissions: session.json().permissions as string[], cookies, csrf: signIn.json().csrfToken as string };
    };
    const agent = await sessionOf("agent");
    const supervisor = await sessionOf("supervisor");
    expect(agent.permissions).toContain("ticket.reply");
    expect(agent.permissions).not.toContain("automation.manage");
    expect(supervisor.permissions).toContain("automation.manage");
    expect(supervisor.permissions).not.toContain("workspace.admin");
    const body = { name: "Night desk", timeZone: "UTC", alwaysOpen: true };
    const as = (who: typeof agent) => server.inject({ method: "POST", url: "/api/v1/sla/calendars", cookies: who.cookies, headers: { "x-csrf-token": who.csrf }, payload: body });
    expectProblem(await as(agent), 403, "auth.forbidden");
    expect((await as(supervisor)).statusCode).toBe(201);
  });

  it("a list read after a change shows the change, however many reads came before it (admin screens reload their lists)", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    const names = async (url: string, pick: (item: Record<string, unknown>) => unknown) => (await api.get(url)).json().items.map(pick);
    // The workspace's first ticket installs the default configuration (in its transaction), as in production.
    const first = await api.post("/api/v1/tickets", { deskId: desk.id, subject: "Hello", channel: "email", requester: { identities: [{ kind: "email", value: "first@example.com" }] } });
    expect(first.statusCode, first.body).toBe(201);
    expect(await names("/api/v1/routing/configs", (c) => c.deskId)).toEqual([]);
    expect(await names("/api/v1/sla/calendars", (c) => c.name)).toEqual(["Business hours", "Event hours"]);
    expect((await api.post("/api/v1/routing/configs", { deskId: desk.id, strategy: "least_loaded" })).statusCode).toBe(201);
    expect((await api.post("/api/v1/sla/calendars", { name: "Night shift", timeZone: "Europe/Kyiv", alwaysOpen: true })).statusCode).toBe(201);
    expect(await names("/api/v1/routing/configs", (c) => c.deskId)).toEqual([desk.id]);
    expect(await names("/api/v1/sla/calendars", (c) => c.name)).toEqual(["Business hours", "Event hours", "Night shift"]);
    const factor = await api.post("/api/v1/priority/factors", { key: "vip_fan", label: "VIP fan", points: 6 });
    expect(factor.statusCode, factor.body).toBe(201);
    expect(await names("/api/v1/priority/factors", (f) => f.key)).toContain("vip_fan");
    await api.patch(`/api/v1/priority/factors/${factor.json().id}`, { points: 7 });
    expect((await api.get("/api/v1/priority/factors")).json().items.find((f: { key: string }) => f.key === "vip_fan").points).toBe(7);
  });
});
