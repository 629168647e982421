import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestWorkspace, makeAgent, makeTicket, makeWorkspace, uid } from "../../../test/factories";
import { openTestApp, settle } from "../../../test/helpers";
import { WebClient, csrfOf } from "../../../test/web-client";
import type { App } from "../../app";
import { ControlledClock } from "../../platform/clock";
import { DomainError } from "../../platform/errors";
import { buildServer } from "../../server";
import { runReactor } from "../activity/reactors";
import { listTicketActivities } from "../activity/service";
import { createApiToken } from "../identity/auth";
import { updateHelpCenter } from "../kb/structure";
import { customerOfTicket } from "../commerce/customer360";
import { listMessages } from "../tickets/messages";
import { updateTicket } from "../tickets/service";
import { rateByToken } from "./rating";
import { csatReport, listRatings } from "./reports";
import { SURVEY_DAYS, getTicketSatisfaction, offerSurveyOnSolve, sendDueSurveys, updateSurveySettings } from "./service";

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

const SURVEY_LINK = /https?:\/\/\S+?\/help\/([^/\s]+)\/([a-z]{2})\/satisfaction\/([A-Za-z0-9_-]+)/;

async function workspaceWithSurveys(delayMinutes = 0) {
  const ws = await makeWorkspace(app);
  const host = `help-${uid()}.test`;
  await updateHelpCenter(ws.admin.ctx, ws.desk.id, { hostname: host, locales: ["en", "uk"] });
  await updateSurveySettings(ws.admin.ctx, ws.desk.id, { enabled: true, delayMinutes });
  return { ...ws, host, web: new WebClient(server, host) };
}

async function solve(ws: TestWorkspace, overrides: Parameters<typeof makeTicket>[2] = {}) {
  const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, overrides);
  await updateTicket(ws.admin.ctx, ticket.id, { status: "solved" });
  await settle(app, ws.workspace.id);
  return ticket;
}

async function surveyMessages(ws: TestWorkspace, ticketId: string) {
  return (await listMessages(ws.admin.ctx, ticketId)).items.filter((m) => m.kind === "outbound" && SURVEY_LINK.test(m.text));
}

async function surveyLink(ws: TestWorkspace, ticketId: string) {
  const [message] = await surveyMessages(ws, ticketId);
  const [, desk, locale, token] = SURVEY_LINK.exec(message!.text)!;
  return { path: `/help/${desk}/${locale}/satisfaction/${token}`, token: token!, locale: locale!, text: message!.text };
}

describe("offering the survey", () => {
  it("offers one survey per solved ticket, in the fan's language, and not again after a reopen and solve", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws, {
      requester: { identities: [{ kind: "email", value: `olena-${uid()}@example.com` }], name: "Олена Коваленко", locale: "uk" },
      message: { text: "Добрий день! Мій квиток на сьогоднішній концерт не сканується на вході." },
    });
    const link = await surveyLink(ws, ticket.id);
    expect(link.locale).toBe("uk");
    expect(link.text).toContain(`#${ticket.number}`);
    expect(link.text).toContain("Оцініть нашу підтримку");
    expect(link.token).toHaveLength(43);

    const survey = await getTicketSatisfaction(ws.admin.ctx, ticket.id);
    expect(survey).toMatchObject({ agentId: ws.admin.agent.id, offeredAt: clock.now(), rating: null });
    const activity = (await listTicketActivities(ws.admin.ctx, ticket.id)).items.map((a) => a.type);
    expect(activity).toContain("satisfaction.offered");

    await updateTicket(ws.admin.ctx, ticket.id, { status: "open" });
    await updateTicket(ws.admin.ctx, ticket.id, { status: "solved" });
    await settle(app, ws.workspace.id);
    expect(await surveyMessages(ws, ticket.id)).toHaveLength(1);
  });

  it("a redelivered reactor job sends nothing twice", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws);
    const solved = (await listTicketActivities(ws.admin.ctx, ticket.id)).items.find(
      (a) => a.type === "ticket.updated" && (a.changes.status as unknown[] | undefined)?.[1] === "solved",
    )!;
    const base = { db: app.database.db, clock: app.clock, outbox: app.outbox };
    expect(await runReactor(base, offerSurveyOnSolve, { workspaceId: ws.workspace.id, activityId: solved.id })).toBe(false);
    // Even without its receipt (a second activity for the same solve), the ticket's survey is one.
    await offerSurveyOnSolve.handle({ ...ws.system }, solved);
    expect(await surveyMessages(ws, ticket.id)).toHaveLength(1);
  });

  it("desks with surveys off send none; a delay holds the survey until it has passed, and a reopen before then drops it", async () => {
    const off = await makeWorkspace(app);
    const quiet = await makeTicket(off.admin.ctx, off.desk.id);
    await updateTicket(off.admin.ctx, quiet.id, { status: "solved" });
    await settle(app, off.workspace.id);
    expect(await getTicketSatisfaction(off.admin.ctx, quiet.id)).toBeUndefined();

    const ws = await workspaceWithSurveys(60);
    const ticket = await solve(ws);
    const reopened = await solve(ws);
    expect(await surveyMessages(ws, ticket.id)).toHaveLength(0);
    await updateTicket(ws.admin.ctx, reopened.id, { status: "open" });
    const base = { db: app.database.db, clock: app.clock, outbox: app.outbox };
    clock.advanceMinutes(30);
    await sendDueSurveys(base);
    expect(await surveyMessages(ws, ticket.id)).toHaveLength(0);
    clock.advanceMinutes(31);
    await sendDueSurveys(base);
    await settle(app, ws.workspace.id);
    expect(await surveyMessages(ws, ticket.id)).toHaveLength(1);
    expect(await surveyMessages(ws, reopened.id)).toHaveLength(0);
    expect(await getTicketSatisfaction(ws.admin.ctx, reopened.id)).toBeUndefined();
  });

  it("a chat or SMS ticket gets the short text", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws, { channel: "sms", requester: { identities: [{ kind: "phone", value: "+447700900123" }], name: "Sam" } });
    const link = await surveyLink(ws, ticket.id);
    expect(link.text.length).toBeLessThan(160);
    expect(link.text).toMatch(/^How did we do with request #\d+\? Rate us: http/);
  });

  it("refuses a delay out of range, and only an admin changes the settings", async () => {
    const ws = await makeWorkspace(app);
    await expect(updateSurveySettings(ws.admin.ctx, ws.desk.id, { delayMinutes: -5 })).rejects.toMatchObject({ code: "validation.failed" });
    const agent = await makeAgent(app, ws.workspace.id, { deskIds: [ws.desk.id] });
    await expect(updateSurveySettings(agent.ctx, ws.desk.id, { enabled: true })).rejects.toMatchObject({ code: "auth.forbidden" });
  });
});

describe("the fan's rating page", () => {
  it("rates bad with a reason and comment, then changes to good; each is an activity agents see", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws);
    const { path } = await surveyLink(ws, ticket.id);

    const form = await ws.web.get(`${path}?rating=bad`);
    expect(form.statusCode, form.body).toBe(200);
    expect(form.body).toContain('value="bad"  checked');
    expect(form.headers["content-security-policy"]).toContain("default-src 'self'");
    // Opening the page (a mail scanner following the link) records nothing.
    expect((await getTicketSatisfaction(ws.admin.ctx, ticket.id))!.rating).toBeNull();

    const rated = await ws.web.post(path, { _csrf: csrfOf(form.body), rating: "bad", reason: "too_slow", comment: "Took three days." });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.body).toContain("Thank you");
    const changed = await ws.web.post(path, { _csrf: csrfOf(rated.body), rating: "good", reason: "too_slow", comment: "Sorted in the end." });
    expect(changed.statusCode).toBe(200);

    const survey = await getTicketSatisfaction(ws.admin.ctx, ticket.id);
    expect(survey).toMatchObject({ rating: "good", reason: null, comment: "Sorted in the end." });
    const ratings = (await listTicketActivities(ws.admin.ctx, ticket.id)).items.filter((a) => a.type === "satisfaction.rated");
    expect(ratings.map((a) => [a.actorKind, a.data.rating, a.data.reason])).toEqual([
      ["contact", "bad", "too_slow"],
      ["contact", "good", null],
    ]);
    expect(ratings[1]!.changes).toEqual({ rating: ["bad", "good"] });
  });

  it("a hostile comment is stored as plain text with card numbers masked", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws);
    const { path } = await surveyLink(ws, ticket.id);
    const form = await ws.web.get(path);
    const comment = `<script>alert(document.cookie)</script><img src=x onerror=alert(1)>Charge on 4111 1111 1111 1111 <b>twice</b>`;
    const res = await ws.web.post(path, { _csrf: csrfOf(form.body), rating: "bad", reason: "other", comment });
    expect(res.statusCode).toBe(200);
    const stored = (await getTicketSatisfaction(ws.admin.ctx, ticket.id))!.comment!;
    expect(stored).toBe("Charge on [card number removed ••••1111] twice");
    expect(res.body).not.toContain("<script>alert");
    expect(res.body).not.toContain("4111 1111");
  });

  it("a forged, foreign, expired or form-less submission is refused with a clear status and changes nothing", async () => {
    const ws = await workspaceWithSurveys();
    const ticket = await solve(ws);
    const { path, token } = await surveyLink(ws, ticket.id);

    const forged = await ws.web.get(path.replace(token, `${token.slice(0, -4)}AAAA`));
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain("This link does not work");
    expect((await ws.web.get(path.replace(token, "short"))).statusCode).toBe(404);

    // The same token on another workspace's help center opens nothing.
    const other = await workspaceWithSurveys();
    expect((await other.web.get(path)).statusCode).toBe(404);

    const form = await ws.web.get(path);
    expect((await ws.web.post(path, { _csrf: "not-the-token-at-all-xx", rating: "good" })).statusCode).toBe(403);
    expect((await ws.web.post(path, { _csrf: csrfOf(form.body), rating: "meh" })).statusCode).toBe(422);
    expect((await ws.web.post(path, { _csrf: csrfOf(form.body), rating: "bad", reason: "because" })).statusCode).toBe(400);
    expect((await getTicketSatisfaction(ws.admin.ctx, ticket.id))!.rating).toBeNull();

    clock.advance(SURVEY_DAYS * 86_400_000 + 1000);
    const expired = await ws.web.post(path, { _csrf: csrfOf(form.body), rating: "good" });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain("This survey has closed");
    await expect(rateByToken(ws.system, ws.desk.id, token, { rating: "good" })).rejects.toSatisfy(
      (e: unknown) => e instanceof DomainError && e.code === "satisfaction.expired",
    );
    expect((await getTicketSatisfaction(ws.admin.ctx, ticket.id))!.rating).toBeNull();
  });
});

describe("reading ratings", () => {
  it("lists and reports CSAT per desk and agent, within the reader's desks and workspace, and fills the customer 360", async () => {
    const ws = await workspaceWithSurveys();
    await updateSurveySettings(ws.admin.ctx, ws.otherDesk.id, { enabled: true });
    const email = `fan-${uid()}@example.com`;
    const requester = { identities: [{ kind: "email" as const, value: email }], name: "Dana Fan" };
    const first = await solve(ws, { requester });
    const second = await solve(ws, { requester });
    const third = await solve(ws, { requester });
    const elsewhere = await makeTicket(ws.admin.ctx, ws.otherDesk.id, { requester });
    await updateTicket(ws.admin.ctx, elsewhere.id, { status: "solved" });
    await settle(app, ws.workspace.id);
    for (const [ticket, rating] of [
      [first, "good"],
      [second, "bad"],
      [third, "good"],
      [elsewhere, "bad"],
    ] as const) {
      const { token } = await surveyLink(ws, ticket.id);
      await rateByToken(ws.system, ticket.deskId, token, { rating, comment: rating === "bad" ? "meh" : null });
    }

    const all = await csatReport(ws.admin.ctx, { groupBy: "desk" });
    expect(all.total).toEqual({ good: 2, bad: 2, csat: 50 });
    expect(all.rows).toContainEqual({ key: ws.desk.id, good: 2, bad: 1, csat: 66.7 });

    // An agent of the Fans desk sees that desk only, everywhere.
    const fansAgent = await makeAgent(app, ws.workspace.id, { deskIds: [ws.desk.id] });
    expect((await csatReport(fansAgent.ctx, {})).total).toEqual({ good: 2, bad: 1, csat: 66.7 });
    expect((await listRatings(fansAgent.ctx, { rating: "bad" })).items.map((r) => r.ticketId)).toEqual([second.id]);
    const view = await customerOfTicket(fansAgent.ctx, first.id);
    expect(view.satisfaction.overall).toEqual({ good: 2, bad: 1, csat: 66.7 });
    expect(view.satisfaction.byTicket.get(second.id)).toMatchObject({ rating: "bad", comment: "meh" });

    // Another workspace sees none of it.
    const stranger = await makeWorkspace(app);
    expect((await csatReport(stranger.admin.ctx, {})).total).toEqual({ good: 0, bad: 0, csat: null });
    expect((await listRatings(stranger.admin.ctx)).items).toHaveLength(0);

    // The API: the ticket's rating, the list, the report, and the 360.
    const { token: apiToken } = await createApiToken(ws.admin.ctx, { name: "csat" });
    const get = (url: string, token = apiToken) => server.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
    const one = await get(`/api/v1/tickets/${second.number}/satisfaction`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ state: "rated", rating: "bad", comment: "meh", agentId: ws.admin.agent.id });
    const byAgent = await get(`/api/v1/satisfaction/report?groupBy=agent&deskId=${ws.desk.id}`);
    expect(byAgent.json().rows).toEqual([{ key: ws.admin.agent.id, good: 2, bad: 1, csat: 66.7 }]);
    const weekly = await get(`/api/v1/satisfaction/report?groupBy=period&period=day&from=2020-01-01T00:00:00Z`);
    expect(weekly.statusCode, weekly.body).toBe(200);
    expect(weekly.json().total.good).toBe(2);
    const listed = await get(`/api/v1/satisfaction/ratings?limit=2`);
    expect(listed.json().items).toHaveLength(2);
    const next = await get(`/api/v1/satisfaction/ratings?limit=2&cursor=${listed.json().nextCursor}`);
    expect(next.json().items).toHaveLength(2);
    expect(next.json().nextCursor).toBeNull();
    const customer = await get(`/api/v1/tickets/${first.id}/customer`);
    expect(customer.json().satisfaction).toEqual({ good: 2, bad: 2, csat: 50 });
    expect(customer.json().tickets.find((t: { id: string }) => t.id === third.id).satisfaction).toMatchObject({ rating: "good" });

    const { token: fansToken } = await createApiToken(fansAgent.ctx, { name: "fans" });
    const hidden = await get(`/api/v1/tickets/${elsewhere.id}/satisfaction`, fansToken);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.headers["content-type"]).toMatch(/problem\+json/);
    const { token: strangerToken } = await createApiToken(stranger.admin.ctx, { name: "x" });
    expect((await get(`/api/v1/tickets/${first.id}/satisfaction`, strangerToken)).statusCode).toBe(404);
    const badQuery = await get(`/api/v1/satisfaction/report?groupBy=team`);
    expect(badQuery.statusCode).toBe(400);
    const settings = await server.inject({
      method: "PUT",
      url: `/api/v1/desks/${ws.desk.id}/satisfaction-settings`,
      payload: { enabled: false },
      headers: { authorization: `Bearer ${fansToken}` },
    });
    expect(settings.statusCode).toBe(403);
  });
});
