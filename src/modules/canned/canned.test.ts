import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";
import { createCannedResponse, fillPlaceholders, listCannedResponses, renderCannedResponse } from "./service";

let app: App;
let server: FastifyInstance;
beforeAll(async () => {
  app = await openTestApp();
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

describe("canned responses", () => {
  it("fills placeholders from the ticket, its requester, its desk and the agent", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app);
    const agent = await makeAgent(app, workspace.id, { deskIds: [desk.id], name: "Aoife Byrne" });
    const ticket = await makeTicket(admin.ctx, desk.id, {
      requester: { identities: [{ kind: "email", value: "dana@example.com" }], name: "Dana Fan" },
    });
    const canned = await createCannedResponse(agent.ctx, {
      title: "Re-issue",
      shortcut: "reissue",
      body: "Hi {{requester.first_name}},\n\nI re-issued the tickets on #{{ticket.number}} to {{ requester.email }}.\n\n{{agent.name}}, {{desk.name}}",
    });
    const { text } = await renderCannedResponse(agent.ctx, canned.id, ticket.id);
    expect(text).toBe(`Hi Dana,\n\nI re-issued the tickets on #${ticket.number} to dana@example.com.\n\nAoife Byrne, Fans`);
    expect(fillPlaceholders("{{requester.name}} {{ticket.subject}}", { "requester.name": "A" })).toBe("A ");

    // Personal: invisible to others; shared ones are for supervisors to write.
    expect((await listCannedResponses(admin.ctx)).map((c) => c.id)).not.toContain(canned.id);
    await expect(createCannedResponse(agent.ctx, { title: "Shared", body: "x", shared: true })).rejects.toMatchObject({
      code: "auth.forbidden",
    });
    const shared = await createCannedResponse(admin.ctx, { title: "Shared", body: "Thanks!", shared: true, deskId: desk.id });
    expect((await listCannedResponses(agent.ctx, { deskId: desk.id })).map((c) => c.id).sort()).toEqual([canned.id, shared.id].sort());
  });

  it("has a CRUD API that refuses unknown placeholders and strangers' responses", async () => {
    const { desk, workspace, admin } = await makeWorkspace(app);
    const a = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const b = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const tokenA = (await createApiToken(a.ctx, { name: "t" })).token;
    const tokenB = (await createApiToken(b.ctx, { name: "t" })).token;
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const created = await server.inject({
      method: "POST",
      url: "/api/v1/canned-responses",
      headers: as(tokenA),
      payload: { title: "Refund", body: "Hi {{requester.name}}, your refund is on its way." },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const bad = await server.inject({
      method: "POST",
      url: "/api/v1/canned-responses",
      headers: as(tokenA),
      payload: { title: "Bad", body: "Hi {{requester.password}}" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].message).toContain("{{requester.password}}");
    expect((await server.inject({ method: "GET", url: `/api/v1/canned-responses/${id}`, headers: as(tokenB) })).statusCode).toBe(404);
    expect((await server.inject({ method: "DELETE", url: `/api/v1/canned-responses/${id}`, headers: as(tokenB) })).statusCode).toBe(404);
    const ticket = await makeTicket(admin.ctx, desk.id);
    const rendered = await server.inject({
      method: "POST",
      url: `/api/v1/canned-responses/${id}/render`,
      headers: as(tokenA),
      payload: { ticketId: ticket.id },
    });
    expect(rendered.json()).toEqual({ text: "Hi Dana Fan, your refund is on its way." });
    const patched = await server.inject({
      method: "PATCH",
      url: `/api/v1/canned-responses/${id}`,
      headers: as(tokenA),
      payload: { title: "Refunds" },
    });
    expect(patched.json()).toMatchObject({ title: "Refunds", shared: false, editable: true });
    expect((await server.inject({ method: "DELETE", url: `/api/v1/canned-responses/${id}`, headers: as(tokenA) })).statusCode).toBe(204);
  });
});
