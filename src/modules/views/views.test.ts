import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { createCategory } from "../desks/service";
import { createApiToken } from "../identity/auth";
import { updateTicket } from "../tickets/service";
import { countViews, createView, listViews } from "./service";

const clock = new ControlledClock("2026-06-12T18:00:00Z");
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ clock });
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

async function api(ctx: Parameters<typeof createApiToken>[0]) {
  const { token } = await createApiToken(ctx, { name: "views" });
  const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
    server.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown) => call("POST", url, body),
    patch: (url: string, body?: unknown) => call("PATCH", url, body),
    delete: (url: string) => call("DELETE", url),
  };
}
const ok = (res: LightMyRequestResponse, status = 200) => {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};

describe("views", () => {
  it("lists built-in, per-category and saved views, and counts every view of a desk at once", async () => {
    const { admin, desk, otherDesk, system } = await makeWorkspace(app);
    const refunds = await createCategory(system, desk.id, { key: "refunds", name: "Refunds" });
    const agent = await makeAgent(app, admin.ctx.workspaceId, { deskIds: [desk.id] });
    const mine = await makeTicket(system, desk.id, { assigneeId: agent.agent.id, priority: "urgent" });
    await makeTicket(system, desk.id, { categoryId: refunds.id });
    const due = await makeTicket(system, desk.id);
    // Due in 2 hours: breaching soon. (dueAt is the SLA module's to set; here written directly.)
    await app.database.executeSql("update tickets set due_at = $1 where id = $2", [
      new Date(clock.now().getTime() + 2 * 3_600_000),
      due.id,
    ]);
    const solved = await makeTicket(system, desk.id, { assigneeId: agent.agent.id });
    await updateTicket(system, solved.id, { status: "solved" });
    await makeTicket(system, otherDesk.id);

    const views = await listViews(agent.ctx, desk.id);
    expect(views.map((v) => v.id)).toEqual(["my_open", "unassigned", "urgent", "breaching", "all_open", `category:${refunds.id}`]);
    const counts = await countViews(agent.ctx, desk.id);
    expect(counts).toEqual({ my_open: 1, unassigned: 2, urgent: 1, breaching: 1, all_open: 3, [`category:${refunds.id}`]: 1 });
    expect(mine.assigneeId).toBe(agent.agent.id);

    // A personal view, with a filter and a sort of its own.
    const saved = await createView(agent.ctx, {
      name: "Refund requests",
      conditions: { all: [{ field: "category", op: "is", value: refunds.id }] },
      sort: "-updated",
      deskId: desk.id,
    });
    expect((await listViews(agent.ctx, desk.id)).at(-1)).toMatchObject({ id: saved.id, kind: "custom", shared: false, editable: true });
    expect((await countViews(agent.ctx, desk.id))[saved.id]).toBe(1);
    // Nobody else sees a personal view.
    expect((await listViews(admin.ctx, desk.id)).map((v) => v.id)).not.toContain(saved.id);
  });

  it("saves, changes and deletes views over the API; only supervisors share; bad conditions are a 400", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app);
    const agent = await api((await makeAgent(app, workspace.id, { deskIds: [desk.id] })).ctx);
    const supervisor = await api((await makeAgent(app, workspace.id, { role: "supervisor", allDesks: true })).ctx);
    await makeTicket(admin.ctx, desk.id, { priority: "high", tags: ["vip"] });

    const list = ok(await agent.get(`/api/v1/views?deskId=${desk.id}`));
    expect(list.items.map((v: { key: string }) => v.key)).toContain("breaching");
    expect(ok(await agent.get(`/api/v1/views/counts?deskId=${desk.id}`)).counts).toMatchObject({ all_open: 1, unassigned: 1, my_open: 0 });
    expect((await agent.get(`/api/v1/views?deskId=${otherDesk.id}`)).statusCode).toBe(404);

    const body = { name: "VIPs", conditions: { all: [{ field: "tags", op: "contains", value: "vip" }] }, sort: "due" };
    const personal = ok(await agent.post("/api/v1/views", body), 201);
    expect(personal).toMatchObject({ name: "VIPs", shared: false, sort: "due", editable: true });
    expect(ok(await agent.get(`/api/v1/views/counts?deskId=${desk.id}`)).counts[personal.id]).toBe(1);
    expect((await agent.post("/api/v1/views", { ...body, shared: true })).statusCode).toBe(403);
    const shared = ok(await supervisor.post("/api/v1/views", { ...body, name: "Team VIPs", shared: true }), 201);
    expect(ok(await agent.get(`/api/v1/views?deskId=${desk.id}`)).items.find((v: { id: string }) => v.id === shared.id)).toMatchObject({
      shared: true,
      editable: false,
    });
    expect((await agent.patch(`/api/v1/views/${shared.id}`, { name: "Mine now" })).statusCode).toBe(403);

    const bad = await agent.post("/api/v1/views", { name: "Bad", conditions: { all: [{ field: "nope", op: "is", value: 1 }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "validation.failed", errors: [{ path: "conditions.all.0.field" }] });
    expect((await agent.post("/api/v1/views", { ...body, extra: true })).statusCode).toBe(400);

    expect(ok(await agent.patch(`/api/v1/views/${personal.id}`, { name: "VIP fans", sort: "priority" }))).toMatchObject({
      name: "VIP fans",
      sort: "priority",
    });
    expect((await supervisor.patch(`/api/v1/views/${personal.id}`, { name: "x" })).statusCode).toBe(404);
    expect((await agent.delete(`/api/v1/views/${personal.id}`)).statusCode).toBe(204);
    expect((await agent.get(`/api/v1/views/${personal.id}`)).statusCode).toBe(404);
  });
});
