import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAgent, makeWorkspace, uid } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import type { App } from "../../app";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";
import { findEventId } from "./orders";
import { REPLAY_WINDOW_SECONDS, signWebhook } from "./webhook-signing";

const clock = new ControlledClock("2026-03-01T12:00:00Z");
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ clock });
  server = await buildServer(app, { logger: false });
  await server.ready();
}, 60_000);
afterAll(async () => {
  await server.close();
  await app.close();
});

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

const delivery = (externalId: string) =>
  JSON.stringify({
    id: `evt_${uid()}`,
    type: "event.updated",
    data: { externalId, name: "Aurora Quartet", startsAt: "2026-03-22T19:30:00Z", timezone: "Europe/Kyiv" },
  });

const now = () => Math.floor(clock.now().getTime() / 1000);

async function setup() {
  const ws = await makeWorkspace(app);
  const { token } = await createApiToken(ws.admin.ctx, { name: "admin" });
  const made = await server.inject({ method: "POST", url: "/api/v1/commerce/webhook-secrets/boxoffice", headers: { authorization: `Bearer ${token}` } });
  expect(made.statusCode, made.body).toBe(201);
  const { secret, url } = made.json() as { secret: string; url: string };
  const path = new URL(url).pathname;
  const post = (body: string, signature?: string) =>
    server.inject({
      method: "POST",
      url: path,
      payload: body,
      headers: { "content-type": "application/json", ...(signature ? { "usher-signature": signature } : {}) },
    });
  const written = (externalId: string) => findEventId(ws.system, "boxoffice", externalId).then(() => true, () => false);
  return { ws, token, secret, path, post, written };
}

describe("signed commerce webhooks", () => {
  it("accepts a delivery signed with the source's secret, without an API token", async () => {
    const { secret, path, post, written } = await setup();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(path).toMatch(/^\/webhooks\/commerce\/ws-[0-9a-f]+\/boxoffice$/);
    const body = delivery("ev-1");
    const res = await post(body, signWebhook(secret, now(), body));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().applied.events).toBe(1);
    expect(await written("ev-1")).toBe(true);
    // A platform rotating its secret may send two v1 values; one good one is enough.
    const again = delivery("ev-2");
    const good = signWebhook(secret, now(), again);
    expect((await post(again, `${good},v1=${"0".repeat(64)}`)).statusCode).toBe(202);
  });

  it("refuses missing, forged, tampered, stale and foreign signatures with 401 and writes nothing", async () => {
    const { secret, path, post, written, ws } = await setup();
    const body = delivery("ev-bad");
    expectProblem(await post(body), 401, "webhook.signature_missing");
    expectProblem(await post(body, "v1=abc"), 401, "webhook.signature_missing");
    expectProblem(await post(body, signWebhook("whsec_someone-elses-secret", now(), body)), 401, "webhook.signature_mismatch");
    const tampered = body.replace("Aurora Quartet", "Free tickets");
    expectProblem(await post(tampered, signWebhook(secret, now(), body)), 401, "webhook.signature_mismatch");
    // A genuine delivery captured and replayed later, or signed with a clock far off.
    expectProblem(await post(body, signWebhook(secret, now() - REPLAY_WINDOW_SECONDS - 1, body)), 401, "webhook.signature_stale");
    expectProblem(await post(body, signWebhook(secret, now() + REPLAY_WINDOW_SECONDS + 60, body)), 401, "webhook.signature_stale");
    // The secret of one source does not sign another's, nor another workspace's.
    const other = await server.inject({
      method: "POST",
      url: path.replace("/boxoffice", "/eventbrite"),
      payload: body,
      headers: { "content-type": "application/json", "usher-signature": signWebhook(secret, now(), body) },
    });
    expectProblem(other, 401, "webhook.signature_mismatch");
    const stranger = await server.inject({
      method: "POST",
      url: path.replace(ws.workspace.slug, "no-such-workspace"),
      payload: body,
      headers: { "content-type": "application/json", "usher-signature": signWebhook(secret, now(), body) },
    });
    expectProblem(stranger, 401, "webhook.signature_mismatch");
    // A signed but malformed body is refused after the signature, as bad input.
    const junk = JSON.stringify({ id: "x", type: "order.deleted" });
    expectProblem(await post(junk, signWebhook(secret, now(), junk)), 400, "validation.failed");
    expect(await written("ev-bad")).toBe(false);
  });

  it("a new secret replaces the old one; only admins make them, and the token path still works for scripts", async () => {
    const { ws, token, secret, post, written } = await setup();
    const rotated = await server.inject({ method: "POST", url: "/api/v1/commerce/webhook-secrets/boxoffice", headers: { authorization: `Bearer ${token}` } });
    const fresh = rotated.json().secret as string;
    expect(fresh).not.toBe(secret);
    const body = delivery("ev-rot");
    expectProblem(await post(body, signWebhook(secret, now(), body)), 401, "webhook.signature_mismatch");
    expect((await post(body, signWebhook(fresh, now(), body))).statusCode).toBe(202);

    const agent = await makeAgent(app, ws.workspace.id, { allDesks: true });
    const { token: agentToken } = await createApiToken(agent.ctx, { name: "agent" });
    const refused = await server.inject({ method: "POST", url: "/api/v1/commerce/webhook-secrets/boxoffice", headers: { authorization: `Bearer ${agentToken}` } });
    expectProblem(refused, 403, "auth.forbidden");

    const scripted = await server.inject({
      method: "POST",
      url: "/api/v1/commerce/webhooks/boxoffice",
      payload: JSON.parse(delivery("ev-script")),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scripted.statusCode, scripted.body).toBe(202);
    expect(await written("ev-script")).toBe(true);
  });
});
