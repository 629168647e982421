import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";
import { addMessage } from "../tickets/messages";

const clock = new ControlledClock("2026-06-12T18:00:00Z");
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ clock, config: { publicUrl: "https://help.lumen.example" } });
  server = await buildServer(app, { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await app.close();
});

async function api(ctx: Parameters<typeof createApiToken>[0]) {
  const { token } = await createApiToken(ctx, { name: "kb" });
  const call = (method: "GET" | "POST" | "PATCH" | "PUT", url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    server.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call("POST", url, body, headers),
    patch: (url: string, body?: unknown) => call("PATCH", url, body),
    put: (url: string, body?: unknown) => call("PUT", url, body),
  };
}

function ok(res: LightMyRequestResponse, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

describe("the knowledge-base API", () => {
  it("writes, translates and publishes an article; suggests it on a ticket; inserts it into a reply", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app);
    const agent = await api((await makeAgent(app, workspace.id, { deskIds: [desk.id] })).ctx);
    const supervisor = await api(admin.ctx);

    ok(
      await supervisor.patch(`/api/v1/kb/desks/${desk.id}/help-center`, { locales: ["en", "uk"], color: "#0f766e", title: { en: "Help" } }),
    );
    const forbidden = await agent.patch(`/api/v1/kb/desks/${desk.id}/help-center`, { color: "#000000" });
    expect(forbidden.statusCode).toBe(403);
    const badColour = await supervisor.patch(`/api/v1/kb/desks/${desk.id}/help-center`, { color: "red" });
    expect(badColour.json()).toMatchObject({ code: "validation.failed", errors: [{ path: "color" }] });

    const category = ok(
      await supervisor.post(`/api/v1/kb/desks/${desk.id}/categories`, { key: "entry", name: { en: "Entry", uk: "Вхід" } }),
      201,
    );
    const section = ok(
      await supervisor.post(`/api/v1/kb/sections`, { categoryId: category.id, key: "scanning", name: { en: "Scanning" } }),
      201,
    );
    const created = ok(
      await agent.post("/api/v1/kb/articles", {
        deskId: desk.id,
        locale: "en",
        sectionId: section.id,
        reviewBy: "2026-12-01",
        title: "What to do if your ticket won't scan",
        bodyHtml: '<p>Turn up the screen brightness.</p><img src="x" onerror="alert(1)">',
      }),
      201,
    );
    expect(created.translations[0]).toMatchObject({ status: "draft", hasUnpublishedChanges: true });
    expect(created.translations[0].draft.bodyHtml).not.toContain("onerror");

    const translated = ok(
      await agent.put(`/api/v1/kb/articles/${created.id}/translations/uk`, {
        title: "Що робити, якщо квиток не сканується",
        bodyHtml: "<p>Збільште яскравість екрана.</p>",
        publish: true,
      }),
    );
    expect(translated.translations.map((t: { locale: string; status: string }) => [t.locale, t.status])).toEqual([
      ["en", "draft"],
      ["uk", "published"],
    ]);
    ok(await agent.post(`/api/v1/kb/articles/${created.id}/translations/en/publish`, {}));
    const versions = ok(await agent.get(`/api/v1/kb/articles/${created.id}/translations/en/versions`));
    expect(versions.items).toHaveLength(1);

    const search = ok(await agent.get(`/api/v1/kb/search?deskId=${desk.id}&locale=uk&q=${encodeURIComponent("квиток сканується")}`));
    expect(search.items[0]).toMatchObject({
      articleId: created.id,
      url: expect.stringMatching(/^https:\/\/help\.lumen\.example\/help\/fans\/uk\/articles\/1-/),
    });

    const ticket = await makeTicket(admin.ctx, desk.id, { subject: "Barcode won't scan at gate B" });
    const suggestions = ok(await agent.get(`/api/v1/tickets/${ticket.id}/article-suggestions`));
    expect(suggestions.items[0]).toMatchObject({
      articleId: created.id,
      locale: "en",
      url: "https://help.lumen.example/help/fans/en/articles/1-what-to-do-if-your-ticket-wont-scan",
    });

    const link = ok(
      await agent.post(`/api/v1/kb/articles/${created.id}/insertions`, { format: "link", ticketId: ticket.id, locale: "uk" }),
    );
    expect(link).toMatchObject({ locale: "uk", text: expect.stringContaining("https://help.lumen.example/help/fans/uk/articles/1-") });
    expect(link.html).toMatch(/^<a href="https:\/\/help\.lumen\.example\/help\/fans\/uk\/articles\/1-[^"]+">Що робити/);

    const { message } = await addMessage(admin.ctx, ticket.id, {
      kind: "outbound",
      text: "Hello Dana,\n\nShow the barcode at the box office window; they print a paper ticket.\n\nBest regards,\nSam",
    });
    const draft = ok(await agent.post(`/api/v1/kb/articles/from-message/${message.id}`, { sectionId: section.id }), 201);
    expect(draft).toMatchObject({
      number: 2,
      sourceMessageId: message.id,
      translations: [{ status: "draft", draft: { title: "Barcode won't scan at gate B" } }],
    });
    expect(draft.translations[0].draft.bodyHtml).not.toContain("Dana");

    const stale = ok(await agent.get(`/api/v1/kb/stale-articles?deskId=${desk.id}`));
    expect(stale.items).toEqual([]);
    clock.set("2026-12-02T09:00:00Z");
    expect(ok(await agent.get(`/api/v1/kb/stale-articles?deskId=${desk.id}`)).items.map((a: { id: string }) => a.id)).toEqual([created.id]);
    clock.set("2026-06-12T18:00:00Z");
  });

  it("reports analytics per article and the searches that found nothing", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const supervisor = await api(admin.ctx);
    const period = `deskId=${desk.id}&from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z`;
    const stats = ok(await supervisor.get(`/api/v1/kb/analytics/articles?${period}`));
    expect(stats.items).toEqual([]);
    expect(ok(await supervisor.get(`/api/v1/kb/analytics/summary?${period}`))).toMatchObject({ views: 0, deflectionRate: null });
    expect(ok(await supervisor.get(`/api/v1/kb/analytics/searches-without-results?${period}`)).items).toEqual([]);
    const backwards = await supervisor.get(
      `/api/v1/kb/analytics/summary?deskId=${desk.id}&from=2026-07-01T00:00:00Z&to=2026-06-01T00:00:00Z`,
    );
    expect(backwards.statusCode).toBe(400);
  });

  it("uploads an image for an article, listed separately from downloads", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const supervisor = await api(admin.ctx);
    const article = ok(
      await supervisor.post("/api/v1/kb/articles", { deskId: desk.id, locale: "en", title: "Seat map", bodyHtml: "<p>map</p>" }),
      201,
    );
    const image = ok(
      await supervisor.post(`/api/v1/kb/desks/${desk.id}/files?filename=map.png&articleId=${article.id}`, Buffer.from("89504e47", "hex"), {
        "content-type": "image/png",
      }),
      201,
    );
    expect(image).toMatchObject({ listed: false, url: `/help/fans/files/${image.id}/map.png` });
    const pdf = ok(
      await supervisor.post(`/api/v1/kb/desks/${desk.id}/files?filename=venue.pdf&articleId=${article.id}`, Buffer.from("%PDF"), {
        "content-type": "application/pdf",
      }),
      201,
    );
    expect(pdf.listed).toBe(true);
    expect(ok(await supervisor.get(`/api/v1/kb/articles/${article.id}/files`)).items).toHaveLength(2);
    const html = await supervisor.post(`/api/v1/kb/desks/${desk.id}/files?filename=x.html`, Buffer.from("<script>"), {
      "content-type": "text/html",
    });
    expect(html.statusCode).toBe(415);
  });
});
