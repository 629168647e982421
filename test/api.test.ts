import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app";
import { createApiToken } from "../src/modules/identity/auth";
import { buildServer } from "../src/server";
import { TEST_PASSWORD, makeAgent, makeTicket, makeWorkspace, uid } from "./factories";
import { openTestApp } from "./helpers";

let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ config: { maxBodyBytes: 64 * 1024, maxAttachmentBytes: 256 * 1024, signInRateLimit: 5 } });
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

/** A client for one API token, speaking JSON. */
function client(token: string) {
  const call = (
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => server.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call("POST", url, body, headers),
    patch: (url: string, body?: unknown) => call("PATCH", url, body),
    delete: (url: string) => call("DELETE", url),
  };
}

async function tokenFor(ctx: Parameters<typeof createApiToken>[0]) {
  return (await createApiToken(ctx, { name: "test" })).token;
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.stringContaining("usher.dev/problems/") });
  expect(typeof body.detail).toBe("string");
  return body as { errors?: { path: string; message: string }[] };
}

async function countTickets(token: string) {
  const res = await client(token).get("/api/v1/tickets?limit=100&includeMerged=true");
  return (res.json() as { items: unknown[] }).items.length;
}

describe("tickets over the API", () => {
  it("creates, reads, lists, updates and replies; the activity log tells the story", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    const created = await api.post("/api/v1/tickets", {
      deskId: desk.id,
      subject: "Stream froze during the encore",
      channel: "in_app",
      requester: { identities: [{ kind: "app", provider: "lumenplus-ios", value: "user-42" }], name: "Kai" },
      message: { text: "It froze at 21:40 and never came back." },
      tags: ["Live Stream"],
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json();
    expect(ticket).toMatchObject({ number: 1, status: "new", channel: "in_app", tags: ["live_stream"] });

    expect((await api.get(`/api/v1/tickets/${ticket.number}`)).json().id).toBe(ticket.id);
    const list = (await api.get(`/api/v1/tickets?status=new&deskId=${desk.id}&sort=priority`)).json();
    expect(list.items.map((t: { id: string }) => t.id)).toEqual([ticket.id]);

    const updated = await api.patch(`/api/v1/tickets/${ticket.id}`, { priority: "urgent", assigneeId: admin.agent.id, expectedVersion: 1 });
    expect(updated.json()).toMatchObject({ priority: "urgent", status: "open", version: 2 });

    const reply = await api.post(`/api/v1/tickets/${ticket.id}/messages`, {
      kind: "outbound",
      html: "<p>We moved you to another CDN edge.</p>",
      status: "pending",
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json().message).toMatchObject({
      kind: "outbound",
      text: "We moved you to another CDN edge.",
      author: { kind: "agent", id: admin.agent.id },
    });

    const history = (await api.get(`/api/v1/tickets/${ticket.id}/activities`)).json();
    expect(history.items.map((a: { type: string }) => a.type)).toEqual([
      "ticket.created",
      "message.received",
      "ticket.updated",
      "message.sent",
      "ticket.updated",
    ]);
    expect(history.items[2].actor).toEqual({ kind: "api", id: admin.agent.id });
  });

  it("uploads an attachment, attaches it to a reply and serves it as a download", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    const ticket = await makeTicket(admin.ctx, desk.id);
    const pdf = Buffer.from("%PDF-1.4\n% tickets\n");
    const upload = await api.post("/api/v1/uploads?filename=tickets.pdf", pdf, { "content-type": "application/pdf" });
    expect(upload.statusCode, upload.body).toBe(201);
    const reply = await api.post(`/api/v1/tickets/${ticket.id}/messages`, {
      kind: "outbound",
      text: "Here are your tickets.",
      attachmentIds: [upload.json().id],
    });
    expect(reply.json().message.attachments).toHaveLength(1);
    const download = await api.get(upload.json().url);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect(download.headers["content-disposition"]).toMatch(/^attachment/);
    expect(download.headers["x-content-type-options"]).toBe("nosniff");
    // Used once only.
    const again = await api.post(`/api/v1/tickets/${ticket.id}/messages`, {
      kind: "outbound",
      text: "Again",
      attachmentIds: [upload.json().id],
    });
    expectProblem(again, 422, "message.attachment_invalid");
  });

  it("refuses executables and attachments over the limit", async () => {
    const { admin } = await makeWorkspace(app);
    const api = client(await tokenFor(admin.ctx));
    expectProblem(
      await api.post("/api/v1/uploads?filename=refund.exe", Buffer.from("MZ"), { "content-type": "application/octet-stream" }),
      415,
      "attachment.type_not_allowed",
    );
    const big = await api.post("/api/v1/uploads?filename=big.bin", Buffer.alloc(300 * 1024), {
      "content-type": "application/octet-stream",
    });
    expect([413]).toContain(big.statusCode);
    expect(big.json().code).toMatch(/too_large/);
  });
});

describe("access control", () => {
  it("an agent of one desk cannot read another desk's ticket, list it, or change it", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app);
    const advertiserTicket = await makeTicket(admin.ctx, otherDesk.id, { subject: "Campaign not serving" });
    const fanTicket = await makeTicket(admin.ctx, desk.id);
    const fanAgent = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const api = client(await tokenFor(fanAgent.ctx));
    expectProblem(await api.get(`/api/v1/tickets/${advertiserTicket.id}`), 404, "not_found");
    expectProblem(await api.patch(`/api/v1/tickets/${advertiserTicket.id}`, { priority: "low" }), 404, "not_found");
    expectProblem(await api.get(`/api/v1/tickets/${advertiserTicket.id}/messages`), 404, "not_found");
    const listed = (await api.get("/api/v1/tickets")).json().items.map((t: { id: string }) => t.id);
    expect(listed).toEqual([fanTicket.id]);
    expect((await api.get("/api/v1/desks")).json().items.map((d: { id: string }) => d.id)).toEqual([desk.id]);
  });

  it("a light agent can add an internal note but not reply publicly", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app);
    const light = await makeAgent(app, workspace.id, { role: "light_agent", deskIds: [desk.id] });
    const ticket = await makeTicket(admin.ctx, desk.id);
    const api = client(await tokenFor(light.ctx));
    expect((await api.post(`/api/v1/tickets/${ticket.id}/messages`, { kind: "note", text: "Production is aware." })).statusCode).toBe(201);
    expectProblem(await api.post(`/api/v1/tickets/${ticket.id}/messages`, { kind: "outbound", text: "Hello fan" }), 403, "auth.forbidden");
  });

  it("a token of workspace A sees nothing of workspace B", async () => {
    const a = await makeWorkspace(app);
    const b = await makeWorkspace(app);
    const bTicket = await makeTicket(b.admin.ctx, b.desk.id);
    const api = client(await tokenFor(a.admin.ctx));
    expectProblem(await api.get(`/api/v1/tickets/${bTicket.id}`), 404, "not_found");
    expectProblem(await api.get(`/api/v1/tickets/${bTicket.number}`), 404, "not_found");
    expectProblem(await api.get(`/api/v1/contacts/${bTicket.requesterId}`), 404, "not_found");
    expectProblem(await api.get(`/api/v1/desks/${b.desk.id}`), 404, "not_found");
    expectProblem(await api.get(`/api/v1/agents/${b.admin.agent.id}`), 404, "not_found");
    expect((await api.get("/api/v1/tickets")).json().items).toEqual([]);
    expectProblem(
      await api.post("/api/v1/tickets", { deskId: b.desk.id, subject: "x", requester: { contactId: bTicket.requesterId } }),
      404,
      "not_found",
    );
    expect(await countTickets(await tokenFor(b.admin.ctx))).toBe(1);
  });

  it("only admins manage agents and desks; agents may edit themselves but not their role", async () => {
    const { workspace, desk } = await makeWorkspace(app);
    const agent = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const api = client(await tokenFor(agent.ctx));
    expectProblem(await api.post("/api/v1/desks", { key: "vip", name: "VIP" }), 403, "auth.forbidden");
    expectProblem(await api.post("/api/v1/agents", { email: "x@example.com", name: "X" }), 403, "auth.forbidden");
    expectProblem(await api.patch(`/api/v1/agents/${agent.agent.id}`, { role: "admin" }), 403, "auth.forbidden");
    expect((await api.patch(`/api/v1/agents/${agent.agent.id}`, { name: "Renamed", locale: "uk" })).json()).toMatchObject({
      name: "Renamed",
      locale: "uk",
    });
  });

  it("rejects missing, malformed and revoked credentials", async () => {
    const { admin } = await makeWorkspace(app);
    expectProblem(await server.inject({ method: "GET", url: "/api/v1/tickets" }), 401, "auth.unauthenticated");
    expectProblem(
      await server.inject({ method: "GET", url: "/api/v1/tickets", headers: { authorization: "Basic abc" } }),
      401,
      "auth.unauthenticated",
    );
    const created = await (await import("../src/modules/identity/auth")).createApiToken(admin.ctx, { name: "cron" });
    const api = client(created.token);
    expect((await api.get("/api/v1/tickets")).statusCode).toBe(200);
    expect((await api.delete(`/api/v1/tokens/${created.id}`)).statusCode).toBe(204);
    expectProblem(await api.get("/api/v1/tickets"), 401, "auth.unauthenticated");
  });
});

describe("sessions", () => {
  it("signs in with a cookie, demands the CSRF token for writes, and signs out", async () => {
    const { workspace, desk } = await makeWorkspace(app);
    const email = `olena-${uid()}@lumen.example`;
    await makeAgent(app, workspace.id, { email, deskIds: [desk.id] });
    const signIn = await server.inject({ method: "POST", url: "/api/v1/auth/sign-in", payload: { email, password: TEST_PASSWORD } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const cookie = signIn.cookies.find((c) => c.name === "usher_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    const { csrfToken } = signIn.json();
    const cookies = { usher_session: cookie.value };

    expect((await server.inject({ method: "GET", url: "/api/v1/auth/session", cookies })).json().agent.email).toBe(email);
    const body = { deskId: desk.id, subject: "Lost ticket", requester: { identities: [{ kind: "email", value: "fan@example.com" }] } };
    expectProblem(await server.inject({ method: "POST", url: "/api/v1/tickets", cookies, payload: body }), 403, "auth.csrf_failed");
    expect(
      (await server.inject({ method: "POST", url: "/api/v1/tickets", cookies, payload: body, headers: { "x-csrf-token": csrfToken } }))
        .statusCode,
    ).toBe(201);

    expect(
      (await server.inject({ method: "POST", url: "/api/v1/auth/sign-out", cookies, headers: { "x-csrf-token": csrfToken } })).statusCode,
    ).toBe(204);
    expectProblem(await server.inject({ method: "GET", url: "/api/v1/auth/session", cookies }), 401, "auth.unauthenticated");
  });

  it("answers a wrong password and an unknown e-mail alike, and rate-limits guessing", async () => {
    const { workspace } = await makeWorkspace(app);
    const email = `guess-${uid()}@lumen.example`;
    await makeAgent(app, workspace.id, { email });
    const attempt = (e: string) =>
      server.inject({ method: "POST", url: "/api/v1/auth/sign-in", payload: { email: e, password: "wrong password!" } });
    const wrong = expectProblem(await attempt(email), 401, "auth.invalid_credentials");
    const unknown = expectProblem(await attempt(`nobody-${uid()}@lumen.example`), 401, "auth.invalid_credentials");
    expect((wrong as { detail?: string }).detail).toBe((unknown as { detail?: string }).detail);
    for (let i = 0; i < 4; i++) await attempt(email);
    const limited = await attempt(email);
    expectProblem(limited, 429, "request.rate_limited");
  });
});

describe("bad input is a clear 4xx and writes nothing", () => {
  it("unknown fields, wrong types, invalid ids, oversized bodies, broken JSON and invalid transitions", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const token = await tokenFor(admin.ctx);
    const api = client(token);
    const valid = { deskId: desk.id, subject: "Refund", requester: { identities: [{ kind: "email", value: "fan@example.com" }] } };

    const unknown = expectProblem(await api.post("/api/v1/tickets", { ...valid, colour: "red" }), 400, "validation.failed");
    expect(unknown.errors?.[0]).toMatchObject({ path: "body", message: expect.stringContaining("colour") });
    const wrongType = expectProblem(
      await api.post("/api/v1/tickets", { ...valid, subject: 42, priority: "asap" }),
      400,
      "validation.failed",
    );
    expect(wrongType.errors?.map((e) => e.path).sort()).toEqual(["body.priority", "body.subject"]);
    expectProblem(await api.get("/api/v1/tickets/not-an-id"), 400, "validation.failed");
    expectProblem(await api.get(`/api/v1/tickets/${crypto.randomUUID()}`), 404, "not_found");
    expectProblem(await api.post("/api/v1/tickets", { ...valid, message: { text: "x".repeat(70 * 1024) } }), 413, "request.too_large");
    expectProblem(await api.post("/api/v1/tickets", '{"deskId": "', { "content-type": "application/json" }), 400, "request.invalid_json");
    expectProblem(
      await api.post("/api/v1/tickets", "subject=Refund", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "request.unsupported_media_type",
    );
    expectProblem(await api.get("/api/v1/tickets?cursor=garbage"), 400, "request.invalid_cursor");
    expectProblem(
      await api.post("/api/v1/tickets", { ...valid, requester: { identities: [{ kind: "email", value: "not-an-email" }] } }),
      400,
      "validation.failed",
    );
    expect(await countTickets(token)).toBe(0);

    const ticket = (await api.post("/api/v1/tickets", valid)).json();
    expectProblem(await api.patch(`/api/v1/tickets/${ticket.id}`, { status: "closed" }), 409, "ticket.invalid_transition");
    expectProblem(await api.patch(`/api/v1/tickets/${ticket.id}`, { assigneeId: crypto.randomUUID() }), 422, "ticket.invalid_reference");
    expectProblem(await api.patch(`/api/v1/tickets/${ticket.id}`, { priority: "low", expectedVersion: 7 }), 409, "conflict.version");
    const after = (await api.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(after).toMatchObject({ status: "new", priority: "normal", version: 1 });
    const activities = (await api.get(`/api/v1/tickets/${ticket.id}/activities`)).json();
    expect(activities.items.map((a: { type: string }) => a.type)).toEqual(["ticket.created"]);
  });

  it("unknown routes and methods are problem+json too", async () => {
    const { admin } = await makeWorkspace(app);
    expectProblem(await client(await tokenFor(admin.ctx)).get("/api/v1/nothing-here"), 404, "not_found");
  });
});

describe("OpenAPI", () => {
  it("documents every route with its schemas", async () => {
    const res = await server.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/v1/tickets",
      "/api/v1/tickets/{id}",
      "/api/v1/tickets/bulk",
      "/api/v1/contacts",
      "/api/v1/desks/{deskId}/custom-fields",
      "/api/v1/teams",
      "/api/v1/tags",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.schemas.Ticket).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
  });
});
