import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeWorkspace, uid } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { WebClient } from "../../../test/web-client";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { articleStats, searchesWithoutResults } from "../kb/analytics";
import { createArticle, saveDraft } from "../kb/articles";
import { uploadKbFile } from "../kb/files";
import { createKbCategory, createKbSection, updateHelpCenter } from "../kb/structure";

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

/** A workspace with a branded, bilingual help center on its own host name. */
async function helpCenter() {
  const ws = await makeWorkspace(app);
  const host = `help-${uid()}.test`;
  await updateHelpCenter(ws.admin.ctx, ws.desk.id, {
    locales: ["en", "uk"],
    color: "#b91c1c",
    hostname: host,
    title: { en: "Lumen Live Help", uk: "Довідка Lumen Live" },
    tagline: { en: "Tickets, refunds and entry", uk: "Квитки, повернення та вхід" },
  });
  const category = await createKbCategory(ws.admin.ctx, ws.desk.id, { key: "refunds", name: { en: "Refunds", uk: "Повернення" } });
  const section = await createKbSection(ws.admin.ctx, {
    categoryId: category.id,
    key: "cancelled",
    name: { en: "Cancelled events", uk: "Скасовані події" },
  });
  const article = await createArticle(ws.admin.ctx, {
    deskId: ws.desk.id,
    locale: "en",
    sectionId: section.id,
    title: "Refunds when an event is cancelled",
    summary: "Cancelled shows are refunded automatically within 14 days.",
    bodyHtml: "<p>If an event is cancelled, we refund your tickets and booking fees within 14 days.</p>",
    publish: true,
  });
  await saveDraft(ws.admin.ctx, article.id, "uk", {
    title: "Повернення коштів за скасовану подію",
    bodyHtml: "<p>Якщо подію скасовано, ми повертаємо кошти протягом 14 днів.</p>",
    publish: true,
  });
  return { ...ws, host, article, section, web: new WebClient(server, host) };
}

describe("the help center", () => {
  it("sends a visitor to their language, then shows the branded front page with categories and search", async () => {
    const { web, desk } = await helpCenter();
    const root = await web.get(`/help/${desk.key}`, { "accept-language": "uk-UA,uk;q=0.9,en;q=0.5" });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe(`/help/${desk.key}/uk`);

    const home = await web.get(`/help/${desk.key}/uk`);
    expect(home.statusCode).toBe(200);
    expect(home.headers["content-type"]).toMatch(/^text\/html/);
    expect(home.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(home.body).toContain('<html lang="uk"');
    expect(home.body).toContain("<title>Довідка Lumen Live</title>");
    expect(home.body).toMatch(/<meta name="description" content="Квитки, повернення та вхід"\s*\/?>/);
    expect(home.body).toContain("--brand:#b91c1c");
    expect(home.body).toContain("Скасовані події");
    expect(home.body).toContain("Повернення коштів за скасовану подію");
    expect(home.body).toContain(`hreflang="en" href="http://127.0.0.1:3000/help/${desk.key}/en"`);
    expect(web.cookies.get("usher_visitor")).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it("serves an article at one clean URL per language, with canonical and hreflang links, and counts the view", async () => {
    const { web, desk, article, admin } = await helpCenter();
    const bare = await web.get(`/help/${desk.key}/en/articles/${article.number}`);
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe(`/help/${desk.key}/en/articles/${article.number}-refunds-when-an-event-is-cancelled`);

    const page = await web.get(bare.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>Refunds when an event is cancelled · Lumen Live Help</title>");
    expect(page.body).toMatch(/<meta name="description" content="Cancelled shows are refunded automatically within 14 days."\s*\/?>/);
    expect(page.body).toContain(
      `<link rel="canonical" href="http://127.0.0.1:3000/help/${desk.key}/en/articles/${article.number}-refunds-when-an-event-is-cancelled"`,
    );
    expect(page.body).toContain(
      `hreflang="uk" href="http://127.0.0.1:3000/help/${desk.key}/uk/articles/${article.number}-${encodeURIComponent("повернення-коштів-за-скасовану-подію")}"`,
    );

    const ukrainian = await web.get(
      `/help/${desk.key}/uk/articles/${article.number}-${encodeURIComponent("повернення-коштів-за-скасовану-подію")}`,
    );
    expect(ukrainian.statusCode).toBe(200);
    expect(ukrainian.body).toContain("Якщо подію скасовано");

    const stats = await articleStats(admin.ctx, { deskId: desk.id, from: new Date("2026-06-01"), to: new Date("2026-07-01") });
    expect(stats.find((s) => s.articleId === article.id)).toMatchObject({ views: 2, readers: 1 });
  });

  it("takes one vote per visitor, and a second click changes it", async () => {
    const { web, desk, article, admin } = await helpCenter();
    await web.get(`/help/${desk.key}/en`);
    const first = await web.post(`/help/${desk.key}/en/articles/${article.number}/feedback`, { helpful: "no" });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toContain("?voted=no#fb");
    const shown = await web.get(first.headers.location as string);
    expect(shown.body).toContain("Thanks for telling us");
    const json = await web.post(
      `/help/${desk.key}/en/articles/${article.number}/feedback`,
      { helpful: "yes" },
      { accept: "application/json" },
    );
    expect(json.json()).toEqual({ helpful: 1, notHelpful: 0 });
    const other = new WebClient(server, web["host"]);
    await other.get(`/help/${desk.key}/en`);
    await other.post(`/help/${desk.key}/en/articles/${article.number}/feedback`, { helpful: "no" });
    const stats = await articleStats(admin.ctx, { deskId: desk.id, from: new Date("2026-06-01"), to: new Date("2026-07-01") });
    expect(stats.find((s) => s.articleId === article.id)).toMatchObject({ helpful: 1, notHelpful: 1 });
  });

  it("searches with typos, shows marked snippets, and keeps searches without results without personal data", async () => {
    const { web, desk, admin } = await helpCenter();
    const found = await web.get(`/help/${desk.key}/en/search?q=${encodeURIComponent("refnud cancelled")}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain("Refunds when an event is cancelled");
    expect(found.body).toMatch(/<mark>(cancel|refund)\w*<\/mark>/i);
    expect(found.body).toMatch(/<meta name="robots" content="noindex"\s*\/?>/);

    const live = await web.get(`/help/${desk.key}/uk/search.json?q=${encodeURIComponent("скасован")}`);
    expect(live.json()).toMatchObject({ hits: [{ title: "Повернення коштів за скасовану подію" }] });

    const nothing = await web.get(
      `/help/${desk.key}/en/search?q=${encodeURIComponent("parking for dana@example.com card 4111 1111 1111 1111")}`,
    );
    expect(nothing.body).toContain("No articles found");
    const gaps = await searchesWithoutResults(admin.ctx, { deskId: desk.id, from: new Date("2026-06-01"), to: new Date("2026-07-01") });
    expect(gaps).toEqual([{ query: "parking for [email] card [number]", locale: "en", searches: 1, lastSearchedAt: clock.now() }]);
  });

  it("escapes what a visitor types back into the page", async () => {
    const { web, desk } = await helpCenter();
    const page = await web.get(`/help/${desk.key}/en/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(page.body).not.toContain("<script>alert(1)</script>");
    expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("publishes a sitemap with every language of every article, and robots.txt points at it", async () => {
    const { web, desk, article } = await helpCenter();
    const sitemap = await web.get("/sitemap.xml");
    expect(sitemap.headers["content-type"]).toMatch(/^application\/xml/);
    expect(sitemap.body).toContain(
      `<loc>http://127.0.0.1:3000/help/${desk.key}/en/articles/${article.number}-refunds-when-an-event-is-cancelled</loc>`,
    );
    expect(sitemap.body).toContain('<xhtml:link rel="alternate" hreflang="uk"');
    expect((await web.get("/robots.txt")).body).toContain("Sitemap: http://127.0.0.1:3000/sitemap.xml");
  });

  it("serves a published article's image, but not a draft's, and not to another workspace's host", async () => {
    const { web, desk, admin, article } = await helpCenter();
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const image = await uploadKbFile(
      admin.ctx,
      { deskId: desk.id, articleId: article.id, filename: "seat map.png", contentType: "image/png", content: png },
      { maxBytes: 1 << 20 },
    );
    const served = await web.get(`/help/${desk.key}/files/${image.id}/seat%20map.png`);
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(served.headers["x-content-type-options"]).toBe("nosniff");

    const draft = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", title: "Draft", bodyHtml: "<p>soon</p>" });
    const hidden = await uploadKbFile(
      admin.ctx,
      { deskId: desk.id, articleId: draft.id, filename: "x.png", contentType: "image/png", content: png },
      { maxBytes: 1 << 20 },
    );
    expect((await web.get(`/help/${desk.key}/files/${hidden.id}/x.png`)).statusCode).toBe(404);
    await expect(
      uploadKbFile(
        admin.ctx,
        { deskId: desk.id, filename: "x.svg", contentType: "image/svg+xml", content: Buffer.from("<svg onload=alert(1)>") },
        { maxBytes: 1 << 20 },
      ),
    ).rejects.toMatchObject({ code: "attachment.type_not_allowed" });

    const stranger = await helpCenter();
    expect((await stranger.web.get(`/help/${desk.key}/files/${image.id}/seat%20map.png`)).statusCode).toBe(404);
  });

  it("shows the desk's logo, configured through the API, and serves it", async () => {
    const { web, desk, admin } = await helpCenter();
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const logo = await uploadKbFile(
      admin.ctx,
      { deskId: desk.id, filename: "lumen.png", contentType: "image/png", content: png },
      { maxBytes: 1 << 20 },
    );
    expect((await web.get(`/help/${desk.key}/files/${logo.id}/logo`)).statusCode).toBe(404);
    await updateHelpCenter(admin.ctx, desk.id, { logoFileId: logo.id });
    const home = await web.get(`/help/${desk.key}/en`);
    expect(home.body).toContain(`src="/help/${desk.key}/files/${logo.id}/logo"`);
    expect((await web.get(`/help/${desk.key}/files/${logo.id}/logo`)).statusCode).toBe(200);
  });

  it("answers 404 for a desk, language or article that is not there", async () => {
    const { web, desk } = await helpCenter();
    expect((await web.get(`/help/${desk.key}/de`)).statusCode).toBe(404);
    expect((await web.get(`/help/nope/en`)).statusCode).toBe(404);
    const missing = await web.get(`/help/${desk.key}/en/articles/999-nothing`);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain("Page not found");
  });
});
