import type { App } from "../../../app";
import type { Ctx } from "../../../platform/context";
import { t } from "../../../platform/i18n";
import type { WorkspaceRow } from "../../workspaces/schema";
import { type Child, type Html, html } from "../../kb/html";
import type { PublicDesk } from "../../kb/public";
import { translated } from "../../kb/text";
import { CSS_PATH, JS_PATH, onColour } from "./assets";

/** Everything a help-center or portal page knows about where it is. */
export interface Site {
  app: App;
  /** Usher's own reach, for public reads: nothing private is read with it. */
  ctx: Ctx;
  workspace: WorkspaceRow;
  desk: PublicDesk;
  locale: string;
  /** /help/<desk>/<locale> */
  base: string;
  visitorId: string;
  contact?: { id: string; name: string; csrfToken: string };
}

export const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  uk: "Українська",
  es: "Español",
  de: "Deutsch",
  fr: "Français",
  pl: "Polski",
  it: "Italiano",
  pt: "Português",
};

export const hc = (site: Pick<Site, "locale">, key: string, params: Record<string, unknown> = {}) =>
  t(site.locale, `helpcenter:${key}`, params);

export function siteTitle(site: Site): string {
  return translated(site.desk.helpCenter.title, site.locale, site.desk.helpCenter.locales) || site.desk.desk.name;
}

export interface PageOptions {
  title: string;
  description: string;
  /** Absolute path of the canonical URL (without host). */
  canonical?: string;
  /** Other languages of this page: locale → path. */
  alternates?: { locale: string; path: string }[];
  noindex?: boolean;
  /** Wider brand band with the search box (the front page). */
  hero?: Html;
  main: Child;
}

export function page(site: Site, options: PageOptions): Html {
  const { helpCenter, desk } = site.desk;
  const publicUrl = site.app.config.publicUrl;
  const name = siteTitle(site);
  const logo = helpCenter.logoFileId ? `/help/${encodeURIComponent(desk.key)}/files/${helpCenter.logoFileId}/logo` : null;
  const style = `:root{--brand:${helpCenter.color};--on-brand:${onColour(helpCenter.color)}}`;
  const switcher = helpCenter.locales.length > 1 ? languageLinks(site, options.alternates) : null;
  return html`<!doctype html>
    <html lang="${site.locale}" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title === name ? name : `${options.title} · ${name}`}</title>
        <meta name="description" content="${options.description.slice(0, 300)}" />
        ${options.noindex ? html`<meta name="robots" content="noindex" />` : null}
        ${options.canonical ? html`<link rel="canonical" href="${publicUrl}${options.canonical}" />` : null}
        ${(options.alternates ?? []).map((a) => html`<link rel="alternate" hreflang="${a.locale}" href="${publicUrl}${a.path}" />`)}
        <meta property="og:title" content="${options.title}" />
        <meta property="og:description" content="${options.description.slice(0, 300)}" />
        <meta property="og:site_name" content="${name}" />
        <meta name="theme-color" content="${helpCenter.color}" />
        <link rel="stylesheet" href="${CSS_PATH}" />
        <style>
          ${style}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">${hc(site, "skipToContent")}</a>
        <header class="site">
          <div class="wrap bar">
            <a class="brand" href="${site.base}"
              >${logo ? html`<img src="${logo}" alt="" width="32" height="32" />` : null}<span>${name}</span></a
            >
            <nav aria-label="${hc(site, "account")}">
              ${
                site.contact
                  ? html`<a href="${site.base}/requests">${hc(site, "myRequests")}</a>
                      <form method="post" action="${site.base}/sign-out" style="display:inline">
                        <input type="hidden" name="_csrf" value="${site.contact.csrfToken}" /><button type="submit">
                          ${hc(site, "signOut")}
                        </button>
                      </form>`
                  : html`<a href="${site.base}/sign-in">${hc(site, "signIn")}</a>`
              }
              <a href="${site.base}/requests/new">${hc(site, "submitRequest")}</a>
            </nav>
          </div>
        </header>
        ${options.hero ?? null}
        <main id="main"><div class="wrap">${options.main}</div></main>
        <footer class="site">
          <div class="wrap">
            ${switcher}
            <p>${hc(site, "poweredBy")}</p>
          </div>
        </footer>
        <script src="${JS_PATH}" defer></script>
      </body>
    </html>`;
}

function languageLinks(site: Site, alternates: PageOptions["alternates"]): Html {
  const links = site.desk.helpCenter.locales.map((locale) => {
    const path = alternates?.find((a) => a.locale === locale)?.path ?? `/help/${encodeURIComponent(site.desk.desk.key)}/${locale}`;
    return locale === site.locale
      ? html`<span aria-current="true"><strong>${LANGUAGE_NAMES[locale] ?? locale}</strong></span>`
      : html`<a href="${path}" hreflang="${locale}" lang="${locale}">${LANGUAGE_NAMES[locale] ?? locale}</a>`;
  });
  return html`<nav aria-label="${hc(site, "language")}">${links}</nav>`;
}

export function searchBox(site: Site, query = "", options: { id?: string } = {}): Html {
  const id = options.id ?? "q";
  return html`<div class="search" role="search">
    <form method="get" action="${site.base}/search">
      <label for="${id}" class="skip">${hc(site, "searchLabel")}</label>
      <input
        type="search"
        id="${id}"
        name="q"
        value="${query}"
        placeholder="${hc(site, "searchPlaceholder")}"
        autocomplete="off"
        maxlength="200"
        data-live="${id}-live"
        data-endpoint="${site.base}/search.json"
        data-status="${id}-status"
      />
      <button class="quiet" type="submit">${hc(site, "search")}</button>
    </form>
    <ul class="live" id="${id}-live" aria-label="${hc(site, "suggestedArticles")}"></ul>
    <p class="skip" id="${id}-status" aria-live="polite"></p>
  </div>`;
}

export const articlePath = (site: Pick<Site, "desk">, locale: string, number: number, slug: string) =>
  `/help/${encodeURIComponent(site.desk.desk.key)}/${locale}/articles/${number}-${encodeURIComponent(slug)}`;
