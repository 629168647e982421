import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { DomainError } from "../../platform/errors";
import { addMessage } from "../tickets/messages";
import { articleForReply, draftArticleFromMessage, suggestArticlesForTicket } from "./agent";
import {
  createArticle,
  getArticle,
  listArticles,
  listStaleArticles,
  listVersions,
  publishArticle,
  saveDraft,
  unpublishArticle,
  updateArticle,
} from "./articles";
import { getPublicArticle, getPublicDesk, listPublicArticles, sitemapEntries } from "./public";
import { searchArticles } from "./search";
import { createKbCategory, createKbSection, updateHelpCenter } from "./structure";

const clock = new ControlledClock("2026-06-12T18:00:00Z");
const app = useTestApp({ clock });

async function expectError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

const REFUNDS = {
  title: "Refunds when an event is cancelled",
  summary: "When a show is cancelled you get your money back automatically.",
  bodyHtml:
    "<p>If an event is cancelled, we refund every ticket to the card you paid with within 14 days.</p><p>Booking fees are refunded too. Postponed events keep your tickets valid.</p><script>alert(1)</script>",
};

describe("articles", () => {
  it("a draft is invisible until published; each save is a version; an older version can be published again", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const category = await createKbCategory(admin.ctx, desk.id, { key: "refunds", name: { en: "Refunds", uk: "Повернення" } });
    const section = await createKbSection(admin.ctx, { categoryId: category.id, key: "cancelled", name: { en: "Cancelled events" } });
    const article = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", sectionId: section.id, ...REFUNDS });
    expect(article.number).toBe(1);
    expect(article.translations[0]).toMatchObject({ locale: "en", latestVersion: 1, publishedVersion: null });
    expect(article.translations[0]!.draft!.bodyHtml).not.toContain("<script>");

    const publicDesk = (await getPublicDesk(admin.ctx, desk.key))!;
    expect(await listPublicArticles(admin.ctx, publicDesk, "en")).toEqual([]);
    expect((await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "refund" })).hits).toEqual([]);

    await publishArticle(admin.ctx, article.id, "en");
    await saveDraft(admin.ctx, article.id, "en", { ...REFUNDS, title: "Refunds for cancelled and postponed events" });
    const current = await getArticle(admin.ctx, article.id);
    expect(current.translations[0]).toMatchObject({
      latestVersion: 2,
      publishedVersion: 1,
      title: REFUNDS.title,
      slug: "refunds-when-an-event-is-cancelled",
    });
    expect(current.translations[0]!.draft!.title).toBe("Refunds for cancelled and postponed events");
    expect((await listVersions(admin.ctx, article.id, "en")).map((v) => v.number)).toEqual([2, 1]);

    await publishArticle(admin.ctx, article.id, "en");
    expect((await getPublicArticle(admin.ctx, publicDesk, 1, "en"))!.translation.title).toBe("Refunds for cancelled and postponed events");
    await publishArticle(admin.ctx, article.id, "en", 1);
    expect((await getPublicArticle(admin.ctx, publicDesk, 1, "en"))!.translation.title).toBe(REFUNDS.title);

    await unpublishArticle(admin.ctx, article.id, "en");
    expect(await getPublicArticle(admin.ctx, publicDesk, 1, "en")).toBeUndefined();
  });

  it("a missing translation falls back to the help center's default locale, and says so", async () => {
    const { admin, desk } = await makeWorkspace(app());
    await updateHelpCenter(admin.ctx, desk.id, { locales: ["en", "uk"] });
    const article = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", publish: true, ...REFUNDS });
    const publicDesk = (await getPublicDesk(admin.ctx, desk.key))!;
    const fallback = (await getPublicArticle(admin.ctx, publicDesk, article.number, "uk"))!;
    expect(fallback).toMatchObject({ isFallback: true, translation: { locale: "en" } });

    await saveDraft(admin.ctx, article.id, "uk", {
      title: "Повернення коштів за скасовану подію",
      bodyHtml: "<p>Якщо подію скасовано, ми повертаємо кошти за всі квитки протягом 14 днів.</p>",
      publish: true,
    });
    const ukrainian = (await getPublicArticle(admin.ctx, publicDesk, article.number, "uk"))!;
    expect(ukrainian).toMatchObject({ isFallback: false, translation: { locale: "uk", slug: "повернення-коштів-за-скасовану-подію" } });
    expect(ukrainian.alternates.map((a) => a.locale)).toEqual(["en", "uk"]);
    expect((await sitemapEntries(admin.ctx)).filter((e) => e.deskKey === desk.key).map((e) => e.locale)).toEqual(["en", "uk"]);
  });

  it("articles past their review-by date are listed as stale, oldest first; archived ones are not", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const old = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", reviewBy: "2026-01-01", ...REFUNDS });
    const older = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", reviewBy: "2025-06-01", ...REFUNDS });
    await createArticle(admin.ctx, { deskId: desk.id, locale: "en", reviewBy: "2026-12-31", ...REFUNDS });
    const archived = await createArticle(admin.ctx, { deskId: desk.id, locale: "en", reviewBy: "2025-01-01", ...REFUNDS });
    await updateArticle(admin.ctx, archived.id, { archived: true });
    expect((await listStaleArticles(admin.ctx, desk.id)).map((a) => a.id)).toEqual([older.id, old.id]);
  });

  it("agents write drafts; light agents only read; structure is a supervisor's; other desks' articles do not exist", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const light = await makeAgent(app(), workspace.id, { role: "light_agent", deskIds: [desk.id] });
    const article = await createArticle(agent.ctx, { deskId: desk.id, locale: "en", ...REFUNDS });
    await expectError(createArticle(light.ctx, { deskId: desk.id, locale: "en", ...REFUNDS }), "auth.forbidden");
    await expectError(createKbCategory(agent.ctx, desk.id, { key: "x", name: { en: "X" } }), "auth.forbidden");
    await expectError(updateArticle(agent.ctx, article.id, { promoted: true }), "auth.forbidden");
    const elsewhere = await createArticle(admin.ctx, { deskId: otherDesk.id, locale: "en", ...REFUNDS });
    await expectError(getArticle(agent.ctx, elsewhere.id), "not_found");
    expect((await listArticles(agent.ctx)).map((a) => a.id)).toEqual([article.id]);
    await expectError(createArticle(agent.ctx, { deskId: desk.id, locale: "en", title: "", bodyHtml: "" }), "validation.failed");
  });
});

describe("search", () => {
  async function library() {
    const ws = await makeWorkspace(app());
    const { admin, desk } = ws;
    const articles = [
      ["Refunds when an event is cancelled", "If an event is cancelled we refund the ticket price and booking fees within 14 days."],
      ["My PDF ticket never arrived", "Check your spam folder. You can download the PDF again from your account, or ask us to resend it."],
      ["Transferring tickets to a friend", "Open the order, choose transfer, and enter your friend's e-mail address."],
      [
        "What to do if your ticket won't scan",
        "Increase the screen brightness and show the barcode to a steward at the box office window.",
      ],
      ["Accessibility and wheelchair spaces", "Wheelchair spaces and companion tickets can be booked through our access line."],
    ] as const;
    const ids: string[] = [];
    for (const [title, body] of articles) {
      ids.push((await createArticle(admin.ctx, { deskId: desk.id, locale: "en", title, bodyHtml: `<p>${body}</p>`, publish: true })).id);
    }
    await createArticle(admin.ctx, {
      deskId: desk.id,
      locale: "uk",
      title: "Повернення квитків на скасовані концерти",
      bodyHtml: "<p>Якщо концерт скасовано, гроші за квитки повертаються автоматично протягом 14 днів.</p>",
      publish: true,
    });
    return { ...ws, ids };
  }

  it("finds by stemmed words in English, ranks the title match first, and shows a marked snippet", async () => {
    const { admin, desk, ids } = await library();
    const { hits } = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "refunding cancelled events" });
    expect(hits[0]!.articleId).toBe(ids[0]);
    expect(hits[0]!.snippet).toMatch(/\u0001(cancel|refund)\w*\u0002/i);
    const scan = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "ticket scan" });
    expect(scan.hits[0]!.articleId).toBe(ids[3]);
  });

  it("tolerates typos: a misspelt word is corrected to one the articles use", async () => {
    const { admin, desk, ids } = await library();
    const result = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "wheelchiar" });
    expect(result.corrected).toBe(true);
    expect(result.terms).toEqual(["wheelchair"]);
    expect(result.hits[0]!.articleId).toBe(ids[4]);
    const swapped = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "refnud" });
    expect(swapped.terms).toEqual(["refund"]);
    expect(swapped.hits[0]!.articleId).toBe(ids[0]);
    const transfer = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "tranfser ticket" });
    expect(transfer.hits[0]!.articleId).toBe(ids[2]);
  });

  it("searches as you type: the last word is a prefix", async () => {
    const { admin, desk, ids } = await library();
    const { hits } = await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "pdf arr" });
    expect(hits.map((h) => h.articleId)).toEqual([ids[1]]);
  });

  it("Ukrainian, which has no text-search configuration, is found by word forms and with typos", async () => {
    const { admin, desk } = await library();
    const forms = await searchArticles(admin.ctx, { deskId: desk.id, locale: "uk", query: "повернення квитка" });
    expect(forms.hits[0]?.title).toBe("Повернення квитків на скасовані концерти");
    const typo = await searchArticles(admin.ctx, { deskId: desk.id, locale: "uk", query: "скасованний концерт" });
    expect(typo.hits[0]?.title).toBe("Повернення квитків на скасовані концерти");
    expect((await searchArticles(admin.ctx, { deskId: desk.id, locale: "en", query: "повернення" })).hits).toEqual([]);
  });

  it("never finds another workspace's or another desk's articles", async () => {
    const { admin, otherDesk } = await library();
    expect((await searchArticles(admin.ctx, { deskId: otherDesk.id, locale: "en", query: "refund" })).hits).toEqual([]);
    const stranger = await makeWorkspace(app());
    expect((await searchArticles(stranger.admin.ctx, { deskId: stranger.desk.id, locale: "en", query: "refund" })).hits).toEqual([]);
  });
});

describe("for agents", () => {
  it("suggests articles for a ticket, gives a link or text for a reply, and turns a reply into a draft", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const article = await createArticle(admin.ctx, {
      deskId: desk.id,
      locale: "en",
      title: "What to do if your ticket won't scan",
      bodyHtml: "<p>Increase the screen brightness and show the barcode to a steward.</p>",
      publish: true,
    });
    const ticket = await makeTicket(admin.ctx, desk.id);
    const suggestions = await suggestArticlesForTicket(admin.ctx, ticket.id, "https://help.example");
    expect(suggestions[0]).toMatchObject({
      articleId: article.id,
      url: `https://help.example/help/${desk.key}/en/articles/1-what-to-do-if-your-ticket-wont-scan`,
    });

    const link = await articleForReply(admin.ctx, { articleId: article.id, format: "link", ticketId: ticket.id }, "https://help.example");
    expect(link.text).toBe(`What to do if your ticket won't scan: ${suggestions[0]!.url}`);
    const text = await articleForReply(admin.ctx, { articleId: article.id, format: "text" }, "https://help.example");
    expect(text.text).toContain("Increase the screen brightness");

    const { message } = await addMessage(admin.ctx, ticket.id, {
      kind: "outbound",
      text: "Hi Dana,\n\nIf the scanner rejects your barcode, go to the box office window with photo ID.\n\nThey will print a paper ticket.\n\nKind regards,\nSam",
    });
    const draft = await draftArticleFromMessage(admin.ctx, message.id, {});
    expect(draft.translations[0]!.publishedVersion).toBeNull();
    expect(draft.sourceMessageId).toBe(message.id);
    expect(draft.translations[0]!.draft!.title).toBe(ticket.subject);
    expect(draft.translations[0]!.draft!.bodyHtml).toBe(
      "<p>If the scanner rejects your barcode, go to the box office window with photo ID.</p>\n<p>They will print a paper ticket.</p>",
    );
    const { message: note } = await addMessage(admin.ctx, ticket.id, { kind: "note", text: "internal" });
    await expectError(draftArticleFromMessage(admin.ctx, note.id, {}), "validation.failed");
  });
});
