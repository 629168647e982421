import type { KbCategoryRow, KbSectionRow } from "../../kb/schema";
import { type Html, escapeHtml, html, trusted } from "../../kb/html";
import type { PublicArticle, PublicArticleSummary, PublicDesk } from "../../kb/public";
import type { SearchHit } from "../../kb/search";
import { translated } from "../../kb/text";
import { type Site, articlePath, hc, page, searchBox, siteTitle } from "./layout";

const articleLink = (site: Site, a: PublicArticleSummary) =>
  html`<li>
    <a href="${articlePath(site, a.locale, a.number, a.slug)}">${a.title}</a
    >${a.locale !== site.locale ? html` <span class="meta" lang="${a.locale}">(${a.locale})</span>` : null}
  </li>`;

export function homePage(
  site: Site,
  data: { categories: KbCategoryRow[]; sections: KbSectionRow[]; articles: PublicArticleSummary[]; popular: PublicArticleSummary[] },
): Html {
  const fallbacks = site.desk.helpCenter.locales;
  const name = siteTitle(site);
  const tagline = translated(site.desk.helpCenter.tagline, site.locale, fallbacks) || hc(site, "howCanWeHelp");
  const categories = data.categories.map((category) => {
    const sections = data.sections.filter((s) => s.categoryId === category.id);
    return html`<section class="card" aria-labelledby="c-${category.key}">
      <h2 id="c-${category.key}">${translated(category.name, site.locale, fallbacks)}</h2>
      ${translated(category.description, site.locale, fallbacks) ? html`<p class="meta">${translated(category.description, site.locale, fallbacks)}</p>` : null}
      ${sections.map((section) => {
        const articles = data.articles.filter((a) => a.sectionId === section.id);
        return html`<h3><a href="${site.base}/sections/${section.key}">${translated(section.name, site.locale, fallbacks)}</a></h3>
          <ul class="articles">
            ${articles.slice(0, 5).map((a) => articleLink(site, a))}
          </ul>
          ${articles.length > 5 ? html`<p><a href="${site.base}/sections/${section.key}">${hc(site, "seeAll", { count: articles.length })}</a></p>` : null}`;
      })}
    </section>`;
  });
  const unfiled = data.articles.filter((a) => !a.sectionId || !data.sections.some((s) => s.id === a.sectionId));
  return page(site, {
    title: name,
    description: tagline,
    canonical: site.base,
    alternates: site.desk.helpCenter.locales.map((l) => ({ locale: l, path: `/help/${encodeURIComponent(site.desk.desk.key)}/${l}` })),
    hero: html`<div class="hero">
      <div class="wrap">
        <h1>${tagline}</h1>
        ${searchBox(site)}
      </div>
    </div>`,
    main: html` ${
        data.popular.length
          ? html`<section aria-labelledby="popular">
              <h2 id="popular">${hc(site, "popular")}</h2>
              <ul class="articles">
                ${data.popular.map((a) => articleLink(site, a))}
              </ul>
            </section>`
          : null
      }
      ${categories.length ? html`<div class="grid two" style="margin-top:1.5rem">${categories}</div>` : null}
      ${
        unfiled.length && categories.length
          ? html`<section>
              <h2>${hc(site, "moreArticles")}</h2>
              <ul class="articles">
                ${unfiled.map((a) => articleLink(site, a))}
              </ul>
            </section>`
          : null
      }
      ${!categories.length && !data.popular.length ? html`<p>${hc(site, "noArticlesYet")}</p>` : null}
      <section class="card" style="margin-top:2rem">
        <h2>${hc(site, "stillNeedHelp")}</h2>
        <p>${hc(site, "stillNeedHelpText")}</p>
        <a class="button brand" href="${site.base}/requests/new">${hc(site, "submitRequest")}</a>
      </section>`,
  });
}

export function sectionPage(site: Site, data: { category?: KbCategoryRow; section: KbSectionRow; articles: PublicArticleSummary[] }): Html {
  const fallbacks = site.desk.helpCenter.locales;
  const name = translated(data.section.name, site.locale, fallbacks);
  return page(site, {
    title: name,
    description: hc(site, "sectionDescription", { section: name, count: data.articles.length }),
    canonical: `${site.base}/sections/${data.section.key}`,
    main: html`<nav class="crumbs" aria-label="${hc(site, "breadcrumbs")}">
        <a href="${site.base}">${siteTitle(site)}</a
        >${data.category ? html` › ${translated(data.category.name, site.locale, fallbacks)}` : null}
      </nav>
      <h1>${name}</h1>
      <ul class="articles">
        ${data.articles.map((a) => articleLink(site, a))}
      </ul>
      ${searchBox(site, "", { id: "sq" })}`,
  });
}

export function articlePage(
  site: Site,
  data: PublicArticle & { section?: KbSectionRow; journeyId?: string | null; voted?: boolean | null; related: PublicArticleSummary[] },
): Html {
  const { translation, article } = data;
  const fallbacks = site.desk.helpCenter.locales;
  const path = articlePath(site, translation.locale, article.number, translation.slug);
  const action = `${site.base}/articles/${article.number}/feedback`;
  return page(site, {
    title: translation.title,
    description: translation.summary,
    canonical: path,
    alternates: data.alternates.map((a) => ({ locale: a.locale, path: articlePath(site, a.locale, article.number, a.slug) })),
    main: html`<div class="layout">
      <article aria-labelledby="title" lang="${translation.locale}">
        <nav class="crumbs" aria-label="${hc(site, "breadcrumbs")}">
          <a href="${site.base}">${siteTitle(site)}</a
          >${data.section ? html` › <a href="${site.base}/sections/${data.section.key}">${translated(data.section.name, site.locale, fallbacks)}</a>` : null}
        </nav>
        ${data.isFallback ? html`<p class="notice" lang="${site.locale}">${hc(site, "notTranslated")}</p>` : null}
        <h1 id="title">${translation.title}</h1>
        <p class="meta">${hc(site, "updated", { date: translation.publishedAt ?? article.updatedAt })}</p>
        <div class="body">${trusted(translation.bodyHtml)}</div>
        ${
          data.files.length
            ? html`<h2>${hc(site, "attachments")}</h2>
                <ul>
                  ${data.files.map((f) => html`<li><a href="/help/${encodeURIComponent(site.desk.desk.key)}/files/${f.id}/${encodeURIComponent(f.filename)}" download>${f.filename}</a> <span class="meta">(${Math.max(1, Math.round(f.size / 1024))} KB)</span></li>`)}
                </ul>`
            : null
        }
        <section class="feedback" aria-labelledby="fb" lang="${site.locale}">
          <h2 id="fb" style="margin-top:0">${hc(site, "wasThisHelpful")}</h2>
          ${
            data.voted === null || data.voted === undefined
              ? html`<div class="choices">
                  <form method="post" action="${action}">
                    <input type="hidden" name="helpful" value="yes" /><button class="quiet" type="submit">${hc(site, "yes")}</button>
                  </form>
                  <form method="post" action="${action}">
                    <input type="hidden" name="helpful" value="no" /><button class="quiet" type="submit">${hc(site, "no")}</button>
                  </form>
                </div>`
              : html`<p role="status">${data.voted ? hc(site, "thanksHelpful") : hc(site, "thanksNotHelpful")}</p>`
          }
          ${data.voted === false || data.journeyId ? html`<p><a class="button brand" href="${site.base}/requests/new${data.journeyId ? `?journey=${encodeURIComponent(data.journeyId)}` : ""}">${data.journeyId ? hc(site, "continueRequest") : hc(site, "submitRequest")}</a></p>` : null}
        </section>
      </article>
      <aside aria-labelledby="related">
        ${
          data.related.length
            ? html`<h2 id="related">${hc(site, "related")}</h2>
                <ul class="articles">
                  ${data.related.map((a) => articleLink(site, a))}
                </ul>`
            : null
        }
        ${searchBox(site, "", { id: "aq" })}
      </aside>
    </div>`,
  });
}

export function searchPage(site: Site, data: { query: string; hits: SearchHit[]; corrected: string | null }): Html {
  return page(site, {
    title: data.query ? hc(site, "resultsFor", { query: data.query }) : hc(site, "search"),
    description: hc(site, "searchDescription"),
    noindex: true,
    main: html`<h1>${data.query ? hc(site, "resultsFor", { query: data.query }) : hc(site, "search")}</h1>
      ${searchBox(site, data.query, { id: "rq" })}
      ${data.corrected ? html`<p class="meta">${hc(site, "showingResultsFor", { terms: data.corrected })}</p>` : null}
      <p role="status">${hc(site, "resultCount", { count: data.hits.length })}</p>
      <ol class="results">
        ${data.hits.map(
          (h) =>
            html`<li>
              <h2 style="margin:0;font-size:1.1rem"><a href="${articlePath(site, h.locale, h.number, h.slug)}">${h.title}</a></h2>
              <p style="margin:.25rem 0 0">${trusted(markSnippet(h.snippet || h.summary))}</p>
            </li>`,
        )}
      </ol>
      ${
        data.hits.length === 0 && data.query
          ? html`<div class="card">
              <p>${hc(site, "noResults")}</p>
              <a class="button brand" href="${site.base}/requests/new">${hc(site, "submitRequest")}</a>
            </div>`
          : null
      }`,
  });
}

/** Escapes the snippet, then turns the search's \u0001…\u0002 markers into <mark>. */
export function markSnippet(snippet: string): string {
  return escapeHtml(snippet)
    .replace(/\u0001/g, "<mark>")
    .replace(/\u0002/g, "</mark>");
}

export function deskChooserPage(site: Omit<Site, "desk"> & { desk?: PublicDesk }, desks: PublicDesk[]): Html {
  const first = desks[0]!;
  const chooserSite = { ...site, desk: first, base: `/help/${encodeURIComponent(first.desk.key)}/${site.locale}` } as Site;
  return page(chooserSite, {
    title: site.workspace.name,
    description: hc(site, "chooseDesk"),
    main: html`<h1>${hc(site, "chooseDesk")}</h1>
      <div class="grid two">
        ${desks.map(
          (d) =>
            html`<a class="card" href="/help/${encodeURIComponent(d.desk.key)}" style="text-decoration:none"
              ><h2>${translated(d.helpCenter.title, site.locale, d.helpCenter.locales) || d.desk.name}</h2>
              <p class="meta">${d.desk.description ?? ""}</p></a
            >`,
        )}
      </div>`,
  });
}

export function notFoundPage(site: Site): Html {
  return page(site, {
    title: hc(site, "notFound"),
    description: hc(site, "notFound"),
    noindex: true,
    main: html`<h1>${hc(site, "notFound")}</h1>
      <p>${hc(site, "notFoundText")}</p>
      ${searchBox(site)}`,
  });
}
