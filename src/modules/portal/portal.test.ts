import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeWorkspace, uid } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { WebClient, csrfOf, linkFromMail } from "../../../test/web-client";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { listTicketActivities } from "../activity/service";
import { createCustomField } from "../desks/service";
import { articleStats, deskSummary } from "../kb/analytics";
import { createArticle } from "../kb/articles";
import { updateHelpCenter } from "../kb/structure";
import { addMessage, listMessages } from "../tickets/messages";
import { getTicket } from "../tickets/service";
import { transitionCreativeRequest } from "./creative";

const clock = new ControlledClock("2026-06-12T18:00:00Z");
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ clock, config: { maxAttachmentBytes: 64 * 1024, signInRateLimit: 200 } });
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

async function portal() {
  const ws = await makeWorkspace(app);
  const host = `help-${uid()}.test`;
  for (const desk of [ws.desk, ws.otherDesk]) await updateHelpCenter(ws.admin.ctx, desk.id, { hostname: host });
  await createCustomField(ws.admin.ctx, ws.desk.id, {
    key: "order_number",
    label: "Order number",
    type: "text",
    public: true,
    required: true,
    validation: { pattern: "^LL-\\d{6}$" },
  });
  await createCustomField(ws.admin.ctx, ws.desk.id, {
    key: "device",
    label: "Device",
    type: "select",
    public: true,
    options: [
      { value: "ios", label: "iPhone" },
      { value: "android", label: "Android" },
    ],
  });
  await createCustomField(ws.admin.ctx, ws.desk.id, { key: "fraud_score", label: "Fraud score", type: "integer" });
  const base = `/help/${ws.desk.key}/en`;
  return { ...ws, host, base, web: new WebClient(server, host) };
}

function lastMailTo(email: string) {
  const mail = [...app.mailer.sent].reverse().find((m) => m.to === email);
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail;
}

async function signIn(web: WebClient, base: string, email: string) {
  const form = await web.get(`${base}/sign-in`);
  const sent = await web.post(`${base}/sign-in`, { _csrf: csrfOf(form.body), email });
  expect(sent.statusCode).toBe(200);
  const link = linkFromMail(lastMailTo(email).text);
  const landing = await web.get(link);
  const redeemed = await web.post(link, { _csrf: csrfOf(landing.body) });
  expect(redeemed.statusCode, redeemed.body).toBe(303);
  return link;
}

describe("signing in with a one-time link", () => {
  it("mails a link that works once, within its time, and answers alike for known and unknown addresses", async () => {
    const { web, base } = await portal();
    const email = `fan-${uid()}@example.com`;
    const form = await web.get(`${base}/sign-in`);
    const asked = await web.post(`${base}/sign-in`, { _csrf: csrfOf(form.body), email });
    expect(asked.body).toContain("Check your e-mail");
    const mail = lastMailTo(email);
    expect(mail.subject).toBe("Your sign-in link for Fans");
    const link = linkFromMail(mail.text);
    // Only the hash of the token is stored.
    const token = link.split("/").pop()!;
    const { rows } = await app.database.executeSql("select token_hash from portal_sign_in_links where email = $1", [email]);
    expect(rows[0].token_hash).not.toContain(token);

    // Opening the link does not sign in (mail scanners open links); the button does.
    const landing = await web.get(link);
    expect(web.cookies.has("usher_portal")).toBe(false);
    const redeemed = await web.post(link, { _csrf: csrfOf(landing.body) });
    expect(redeemed.statusCode).toBe(303);
    expect(redeemed.headers.location).toBe(`${base}/requests`);
    expect([redeemed.headers["set-cookie"]].flat().join("\n")).toMatch(/^usher_portal=.*HttpOnly.*SameSite=Lax/m);
    const mine = await web.get(`${base}/requests`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain("You have no requests yet.");
    expect(mine.body).toContain("Actions on my orders");

    const again = new WebClient(server, web["host"]);
    const second = await again.post(link, { _csrf: csrfOf((await again.get(link)).body) });
    expect(second.statusCode).toBe(410);

    const late = new WebClient(server, web["host"]);
    const other = `late-${uid()}@example.com`;
    await late.post(`${base}/sign-in`, { _csrf: csrfOf((await late.get(`${base}/sign-in`)).body), email: other });
    const lateLink = linkFromMail(lastMailTo(other).text);
    clock.advanceMinutes(16);
    expect((await late.post(lateLink, { _csrf: csrfOf((await late.get(lateLink)).body) })).statusCode).toBe(410);
  });

  it("sends at most three links per address in fifteen minutes, without saying so", async () => {
    const { web, base } = await portal();
    const email = `eager-${uid()}@example.com`;
    const csrf = csrfOf((await web.get(`${base}/sign-in`)).body);
    const before = app.mailer.sent.filter((m) => m.to === email).length;
    for (let i = 0; i < 5; i++) expect((await web.post(`${base}/sign-in`, { _csrf: csrf, email })).body).toContain("Check your e-mail");
    expect(app.mailer.sent.filter((m) => m.to === email).length - before).toBe(3);
  });

  it("refuses a form without its CSRF token, and an address that is not one", async () => {
    const { web, base } = await portal();
    await web.get(`${base}/sign-in`);
    expect((await web.post(`${base}/sign-in`, { email: "a@example.com" })).statusCode).toBe(403);
    const csrf = csrfOf((await web.get(`${base}/sign-in`)).body);
    const bad = await web.post(`${base}/sign-in`, { _csrf: csrf, email: "not an address" });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('aria-invalid="true"');
    expect(bad.body).toContain("Enter an e-mail address like name@example.com");
  });

  it("sends a visitor who is not signed in to sign in, and back where they were going", async () => {
    const { web, base } = await portal();
    const res = await web.get(`${base}/requests/new`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/sign-in?returnTo=${encodeURIComponent(`${base}/requests/new`)}`);
    const email = `back-${uid()}@example.com`;
    const form = await web.get(res.headers.location as string);
    await web.post(`${base}/sign-in`, { _csrf: csrfOf(form.body), email, returnTo: `${base}/requests/new` });
    const link = linkFromMail(lastMailTo(email).text);
    const done = await web.post(link, { _csrf: csrfOf((await web.get(link)).body) });
    expect(done.headers.location).toBe(`${base}/requests/new`);
  });
});

describe("switching accounts", () => {
  it("signs out, and lets a signed-in fan use a link for another address", async () => {
    const { web, base } = await portal();
    await signIn(web, base, `first-${uid()}@example.com`);
    const second = `second-${uid()}@example.com`;
    const other = new WebClient(server, web["host"]);
    await other.post(`${base}/sign-in`, { _csrf: csrfOf((await other.get(`${base}/sign-in`)).body), email: second });
    const link = linkFromMail(lastMailTo(second).text);
    const switched = await web.post(link, { _csrf: csrfOf((await web.get(link)).body, link) });
    expect(switched.statusCode).toBe(303);

    const page = await web.get(`${base}/requests`);
    const out = await web.post(`${base}/sign-out`, { _csrf: csrfOf(page.body) });
    expect(out.statusCode).toBe(303);
    expect((await web.get(`${base}/requests`)).statusCode).toBe(303);
  });
});

describe("my requests", () => {
  it("opens a request through the desk's form with public custom fields and an attachment, then converses", async () => {
    const { web, base, admin, desk } = await portal();
    const email = `dana-${uid()}@example.com`;
    await signIn(web, base, email);
    const form = await web.get(`${base}/requests/new`);
    expect(form.body).toContain("Order number");
    expect(form.body).toContain("iPhone");
    expect(form.body).not.toContain("Fraud score");
    const csrf = csrfOf(form.body);

    const invalid = await web.postMultipart(`${base}/requests`, { _csrf: csrf, subject: "", text: "help", "cf.order_number": "12" });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('id="f-subject"');
    expect(invalid.body).toMatch(/id="f-subject"[^>]*aria-invalid="true"/);
    expect(invalid.body).toMatch(/id="f-customFields-order_number"[^>]*aria-invalid="true"/);
    expect(invalid.body).toContain('value="12"');

    const smuggled = await web.postMultipart(`${base}/requests`, {
      _csrf: csrf,
      subject: "x",
      text: "y",
      "cf.order_number": "LL-123456",
      "cf.fraud_score": "0",
    });
    expect(smuggled.statusCode).toBe(422);

    const created = await web.postMultipart(
      `${base}/requests`,
      {
        _csrf: csrf,
        subject: "PDF tickets never arrived",
        text: "I paid with 4111 1111 1111 1111 and got nothing.",
        "cf.order_number": "LL-204511",
        "cf.device": "ios",
      },
      [{ field: "attachments", name: "receipt.pdf", type: "application/pdf", content: Buffer.from("%PDF-1.4 receipt") }],
    );
    expect(created.statusCode, created.body.slice(0, 3000)).toBe(303);
    const number = Number(String(created.headers.location).split("/").pop());
    const ticket = await getTicket(admin.ctx, number);
    expect(ticket).toMatchObject({ channel: "portal", deskId: desk.id, customFields: { order_number: "LL-204511", device: "ios" } });
    const [first] = (await listMessages(admin.ctx, ticket.id)).items;
    expect(first!.text).not.toContain("4111 1111 1111 1111");
    expect(first!.attachments.map((a) => a.filename)).toEqual(["receipt.pdf"]);

    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "We have re-sent your PDF tickets." });
    await addMessage(admin.ctx, ticket.id, { kind: "note", text: "Fraud check passed — internal" });
    const page = await web.get(`${base}/requests/${number}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("We have re-sent your PDF tickets.");
    expect(page.body).not.toContain("internal");
    const attachmentId = first!.attachments[0]!.id;
    const download = await web.get(`${base}/requests/${number}/attachments/${attachmentId}`);
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain("%PDF-1.4");

    const replied = await web.postMultipart(`${base}/requests/${number}/replies`, { _csrf: csrf, text: "Got them, thank you!" });
    expect(replied.statusCode, replied.body).toBe(303);
    const messages = (await listMessages(admin.ctx, ticket.id)).items;
    expect(messages.at(-1)).toMatchObject({ kind: "inbound", channel: "portal", text: "Got them, thank you!" });
    const list = await web.get(`${base}/requests`);
    expect(list.body).toContain("PDF tickets never arrived");
  });

  it("never shows anyone else's request or attachment, and refuses writes without the session's token", async () => {
    const { web, base } = await portal();
    await signIn(web, base, `owner-${uid()}@example.com`);
    const csrf = csrfOf((await web.get(`${base}/requests/new`)).body);
    const created = await web.postMultipart(
      `${base}/requests`,
      { _csrf: csrf, subject: "Seat change", text: "Can I move to row F?", "cf.order_number": "LL-111111" },
      [{ field: "attachments", name: "note.txt", type: "text/plain", content: Buffer.from("row F please") }],
    );
    const path = String(created.headers.location);
    const snoop = new WebClient(server, web["host"]);
    await signIn(snoop, base, `snoop-${uid()}@example.com`);
    expect((await snoop.get(path)).statusCode).toBe(404);
    expect(
      (await snoop.postMultipart(`${path}/replies`, { _csrf: csrfOf((await snoop.get(`${base}/requests`)).body), text: "hi" })).statusCode,
    ).toBe(404);
    expect((await web.postMultipart(`${path}/replies`, { _csrf: "forged-token-forged-token", text: "hi" })).statusCode).toBe(403);
  });

  it("refuses executables and oversized files with a message beside the field", async () => {
    const { web, base } = await portal();
    await signIn(web, base, `files-${uid()}@example.com`);
    const csrf = csrfOf((await web.get(`${base}/requests/new`)).body);
    const fields = { _csrf: csrf, subject: "Help", text: "See file", "cf.order_number": "LL-222222" };
    const exe = await web.postMultipart(`${base}/requests`, fields, [
      { field: "attachments", name: "tickets.exe", type: "application/octet-stream", content: Buffer.from("MZ") },
    ]);
    expect(exe.statusCode).toBe(422);
    expect(exe.body).toContain("not accepted");
    const big = await web.postMultipart(`${base}/requests`, fields, [
      { field: "attachments", name: "big.pdf", type: "application/pdf", content: Buffer.alloc(65 * 1024, 1) },
    ]);
    expect(big.statusCode).toBe(422);
  });
});

describe("deflection", () => {
  it("a request abandoned after reading a suggested article counts as deflected, once its hour has passed", async () => {
    const { web, base, admin, desk } = await portal();
    const article = await createArticle(admin.ctx, {
      deskId: desk.id,
      locale: "en",
      title: "My PDF ticket never arrived",
      bodyHtml: "<p>Check your spam folder, or download the PDF again from your account.</p>",
      publish: true,
    });
    await signIn(web, base, `reader-${uid()}@example.com`);
    clock.set("2026-06-12T18:00:00Z");
    const form = await web.get(`${base}/requests/new`);
    const journey = /name="journey" value="([^"]+)"/.exec(form.body)![1]!;
    const suggestions = await web.get(`${base}/search.json?q=${encodeURIComponent("pdf never arrived")}`);
    const url = (suggestions.json() as { hits: { url: string }[] }).hits[0]!.url;
    expect(url).toBe(`${base}/articles/${article.number}-my-pdf-ticket-never-arrived`);
    const read = await web.get(`${url}?journey=${journey}`);
    expect(read.body).toContain("I still need help — continue my request");

    // A second fan starts, reads, and submits anyway: not deflected.
    const persistent = new WebClient(server, web["host"]);
    await signIn(persistent, base, `persistent-${uid()}@example.com`);
    const form2 = await persistent.get(`${base}/requests/new`);
    const journey2 = /name="journey" value="([^"]+)"/.exec(form2.body)![1]!;
    await persistent.get(`${url}?journey=${journey2}`);
    await persistent.postMultipart(`${base}/requests`, {
      _csrf: csrfOf(form2.body),
      journey: journey2,
      subject: "Still no PDF",
      text: "Nothing in spam",
      "cf.order_number": "LL-333333",
    });

    const period = { deskId: desk.id, from: new Date("2026-06-12T00:00:00Z"), to: new Date("2026-06-14T00:00:00Z") };
    expect((await deskSummary(admin.ctx, period)).deflections).toBe(0);
    clock.advanceMinutes(61);
    const summary = await deskSummary(admin.ctx, period);
    expect(summary).toMatchObject({ requestsStarted: 2, requestsSubmitted: 1, deflections: 1, deflectionRate: 0.5 });
    const stats = await articleStats(admin.ctx, period);
    expect(stats.find((s) => s.articleId === article.id)).toMatchObject({ deflections: 1, readers: 2 });

    // A day later both readings are judged: one fan wrote in within 24 hours, one did not.
    clock.advanceMinutes(24 * 60);
    const judged = (await articleStats(admin.ctx, { ...period, to: new Date("2026-06-20T00:00:00Z") })).find(
      (s) => s.articleId === article.id,
    )!;
    expect(judged).toMatchObject({ judgedReaders: 2, resolved: 1, resolutionRate: 0.5, promote: false });
  });
});

describe("creative requests on the advertiser desk", () => {
  it("an advertiser submits a creative with its brief; agents review and ask for changes; the advertiser resubmits; agents approve", async () => {
    const { otherDesk, admin, host } = await portal();
    const web = new WebClient(server, host);
    const base = `/help/${otherDesk.key}/en`;
    await signIn(web, base, `media-buyer-${uid()}@agency.example`);
    const form = await web.get(`${base}/requests/new`);
    expect(form.body).toContain("Submit a creative for approval");
    const csrf = csrfOf(form.body);
    const missing = await web.postMultipart(`${base}/requests`, {
      _csrf: csrf,
      subject: "Summer campaign",
      text: "Banner",
      "creative.campaign": "Summer",
      "creative.format": "display_300x250",
      "creative.flightStart": "2026-07-01",
      "creative.flightEnd": "2026-06-01",
      "creative.landingUrl": "javascript:alert(1)",
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toMatch(/id="f-creative-flightEnd"[^>]*aria-invalid="true"/);
    expect(missing.body).toMatch(/id="f-creative-landingUrl"[^>]*aria-invalid="true"/);
    expect(missing.body).toMatch(/id="f-attachments"[^>]*aria-invalid="true"/);

    const created = await web.postMultipart(
      `${base}/requests`,
      {
        _csrf: csrf,
        subject: "Summer campaign banner",
        text: "Please review",
        "creative.campaign": "Summer 2026",
        "creative.format": "display_300x250",
        "creative.flightStart": "2026-07-01",
        "creative.flightEnd": "2026-07-31",
        "creative.landingUrl": "https://brand.example/summer",
      },
      [{ field: "attachments", name: "banner.png", type: "image/png", content: Buffer.from("89504e47", "hex") }],
    );
    expect(created.statusCode, created.body).toBe(303);
    const number = Number(String(created.headers.location).split("/").pop());
    const ticket = await getTicket(admin.ctx, number);
    expect(ticket.tags).toContain("creative-request");
    expect((await web.get(`${base}/requests/${number}`)).body).toContain("Submitted");

    await expect(transitionCreativeRequest(admin.ctx, ticket.id, "approved")).rejects.toMatchObject({
      code: "creative.invalid_transition",
    });
    await transitionCreativeRequest(admin.ctx, ticket.id, "in_review");
    await transitionCreativeRequest(admin.ctx, ticket.id, "changes_requested", "The logo must be 20% larger.");
    const page = await web.get(`${base}/requests/${number}`);
    expect(page.body).toContain("Changes requested");
    expect(page.body).toContain("The logo must be 20% larger.");
    await web.postMultipart(`${base}/requests/${number}/replies`, { _csrf: csrf, text: "Bigger logo attached", resubmit: "1" }, [
      { field: "attachments", name: "banner-v2.png", type: "image/png", content: Buffer.from("89504e47", "hex") },
    ]);
    await transitionCreativeRequest(admin.ctx, ticket.id, "in_review");
    await transitionCreativeRequest(admin.ctx, ticket.id, "approved");
    const states = (await listTicketActivities(admin.ctx, ticket.id)).items
      .map((a) => a.type)
      .filter((t) => t.startsWith("creative_request."));
    expect(states).toEqual([
      "creative_request.submitted",
      "creative_request.in_review",
      "creative_request.changes_requested",
      "creative_request.submitted",
      "creative_request.in_review",
      "creative_request.approved",
    ]);
  });
});
