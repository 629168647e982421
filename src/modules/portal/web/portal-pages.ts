import { t } from "../../../platform/i18n";
import type { FieldProblem } from "../../../platform/errors";
import type { CustomFieldRow } from "../../desks/schema";
import { type Child, type Html, html } from "../../kb/html";
import type { MessageWithAttachments } from "../../tickets/messages";
import type { TicketRow } from "../../tickets/schema";
import { CREATIVE_FORMATS } from "../creative";
import type { CreativeRequestRow } from "../schema";
import type { RequestForm } from "../service";
import { type Site, page } from "./layout";

/** The customer portal's pages. Strings come from the `portal` catalogue. */
export const pt = (site: Pick<Site, "locale">, key: string, params: Record<string, unknown> = {}) =>
  t(site.locale, `portal:${key}`, params);

const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}" />`;

function errorSummary(site: Site, errors: FieldProblem[], labels: Record<string, string> = {}): Child {
  if (errors.length === 0) return null;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="errors">
    <h2 style="margin-top:0;font-size:1.05rem">${pt(site, "form.fixErrors")}</h2>
    <ul>
      ${errors.map((e) => html`<li><a href="#${fieldId(e.path)}">${labels[e.path] ?? labelOfPath(site, e.path)}: ${messageOf(site, e)}</a></li>`)}
    </ul>
  </div>`;
}

const fieldId = (path: string) => `f-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
const labelOfPath = (site: Site, path: string) => (path.startsWith("customFields.") ? path.slice(13) : pt(site, `form.fieldNames.${path}`));

/** Field errors in the fan's language: by code where the message is a developer's English. */
function messageOf(site: Site, problem: FieldProblem): string {
  if (problem.code === "required") return pt(site, "form.required");
  if (problem.code === "invalid_value" || problem.code === "unknown_field") return pt(site, `form.${problem.code}`);
  return problem.message;
}

function fieldError(site: Site, errors: FieldProblem[], path: string): Child {
  const problem = errors.find((e) => e.path === path);
  return problem ? html`<p class="field-error" id="${fieldId(path)}-error">${messageOf(site, problem)}</p>` : null;
}

const invalidAttrs = (errors: FieldProblem[], path: string) =>
  errors.some((e) => e.path === path) ? html` aria-invalid="true" aria-describedby="${fieldId(path)}-error"` : null;

// ------------------------------------------------------------------ sign-in

export function signInPage(site: Site, data: { csrf: string; email?: string; errors?: FieldProblem[]; returnTo?: string | null }): Html {
  const errors = data.errors ?? [];
  return page(site, {
    title: pt(site, "signIn.title"),
    description: pt(site, "signIn.intro"),
    noindex: true,
    main: html`<div style="max-width:32rem">
      <h1>${pt(site, "signIn.title")}</h1>
      <p>${pt(site, "signIn.intro")}</p>
      ${errorSummary(site, errors)}
      <form method="post" action="${site.base}/sign-in" novalidate>
        ${csrfField(data.csrf)} ${data.returnTo ? html`<input type="hidden" name="returnTo" value="${data.returnTo}" />` : null}
        <label for="${fieldId("email")}">${pt(site, "form.fieldNames.email")}</label>
        <input
          type="email"
          id="${fieldId("email")}"
          name="email"
          autocomplete="email"
          required
          value="${data.email ?? ""}"
          ${invalidAttrs(errors, "email")}
        />
        ${fieldError(site, errors, "email")}
        <div class="actions"><button class="brand" type="submit">${pt(site, "signIn.send")}</button></div>
      </form>
    </div>`,
  });
}

export function checkEmailPage(site: Site, email: string): Html {
  return page(site, {
    title: pt(site, "signIn.checkTitle"),
    description: pt(site, "signIn.checkTitle"),
    noindex: true,
    main: html`<div style="max-width:32rem">
      <h1>${pt(site, "signIn.checkTitle")}</h1>
      <p class="notice ok" role="status">${pt(site, "signIn.checkText", { email })}</p>
      <p class="meta">${pt(site, "signIn.checkHint")}</p>
    </div>`,
  });
}

/** The link's landing page: signing in takes a click, so mail scanners that fetch links cannot use them up. */
export function redeemPage(site: Site, data: { token: string; csrf: string }): Html {
  return page(site, {
    title: pt(site, "signIn.continueTitle"),
    description: pt(site, "signIn.continueTitle"),
    noindex: true,
    main: html`<div style="max-width:32rem">
      <h1>${pt(site, "signIn.continueTitle")}</h1>
      <form method="post" action="${site.base}/sign-in/${data.token}">
        ${csrfField(data.csrf)}
        <div class="actions"><button class="brand" type="submit">${pt(site, "signIn.continue")}</button></div>
      </form>
    </div>`,
  });
}

export function linkExpiredPage(site: Site): Html {
  return page(site, {
    title: pt(site, "signIn.expiredTitle"),
    description: pt(site, "signIn.expiredTitle"),
    noindex: true,
    main: html`<div style="max-width:32rem">
      <h1>${pt(site, "signIn.expiredTitle")}</h1>
      <p>${pt(site, "signIn.expiredText")}</p>
      <a class="button brand" href="${site.base}/sign-in">${pt(site, "signIn.again")}</a>
    </div>`,
  });
}

// ------------------------------------------------------------------ my requests

const statusBadge = (site: Site, status: string) => html`<span class="status ${status}">${pt(site, `status.${status}`)}</span>`;

export function requestsPage(site: Site, tickets: TicketRow[]): Html {
  return page(site, {
    title: pt(site, "requests.title"),
    description: pt(site, "requests.title"),
    noindex: true,
    main: html`<h1>${pt(site, "requests.title")}</h1>
      <p><a class="button brand" href="${site.base}/requests/new">${pt(site, "requests.new")}</a></p>
      ${
        tickets.length
          ? html`<table class="requests">
              <caption class="skip">
                ${pt(site, "requests.title")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${pt(site, "requests.subject")}</th>
                  <th scope="col">${pt(site, "requests.number")}</th>
                  <th scope="col">${pt(site, "requests.status")}</th>
                  <th scope="col">${pt(site, "requests.updated")}</th>
                </tr>
              </thead>
              <tbody>
                ${tickets.map(
                  (ticket) =>
                    html`<tr>
                      <td><a href="${site.base}/requests/${ticket.number}">${ticket.subject}</a></td>
                      <td>#${ticket.number}</td>
                      <td>${statusBadge(site, ticket.status)}</td>
                      <td>${pt(site, "requests.date", { date: ticket.updatedAt })}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>${pt(site, "requests.none")}</p>`
      }
      <section aria-labelledby="orders" style="margin-top:2rem">
        <h2 id="orders">${pt(site, "orders.title")}</h2>
        <div data-slot="order-actions"><p style="margin:0"><a class="button quiet" href="${site.base}/orders">${pt(site, "orders.title")}</a></p></div>
      </section>`,
  });
}

export function requestPage(
  site: Site,
  data: { ticket: TicketRow; messages: MessageWithAttachments[]; creative?: CreativeRequestRow; errors?: FieldProblem[]; text?: string },
): Html {
  const { ticket } = data;
  const errors = data.errors ?? [];
  const closed = ticket.status === "closed";
  const resubmit = data.creative?.state === "changes_requested";
  return page(site, {
    title: `#${ticket.number} ${ticket.subject}`,
    description: ticket.subject,
    noindex: true,
    main: html`<nav class="crumbs" aria-label="${pt(site, "requests.title")}">
        <a href="${site.base}/requests">${pt(site, "requests.title")}</a>
      </nav>
      <h1>${ticket.subject}</h1>
      <p class="meta">#${ticket.number} · ${statusBadge(site, ticket.status)}</p>
      ${
        data.creative
          ? html`<section class="card" aria-labelledby="approval">
              <h2 id="approval" style="margin-top:0">${pt(site, "creative.approval")}</h2>
              <p><span class="status ${data.creative.state}">${pt(site, `creative.states.${data.creative.state}`)}</span></p>
              ${data.creative.decisionNote ? html`<p>${data.creative.decisionNote}</p>` : null}
            </section>`
          : null
      }
      <h2>${pt(site, "requests.conversation")}</h2>
      <ol class="conversation">
        ${data.messages.map(
          (m) =>
            html`<li class="${m.kind === "outbound" ? "agent" : "me"}">
              <p class="who" style="margin:0">
                ${m.kind === "outbound" ? pt(site, "requests.support") : pt(site, "requests.you")}
                <span class="meta">· ${pt(site, "requests.dateTime", { date: m.createdAt })}</span>
              </p>
              <div class="text">${m.text}</div>
              ${
                m.attachments.length
                  ? html`<ul>
                      ${m.attachments.map((a) => html`<li><a href="${site.base}/requests/${ticket.number}/attachments/${a.id}">${a.filename}</a></li>`)}
                    </ul>`
                  : null
              }
            </li>`,
        )}
      </ol>
      ${
        closed
          ? html`<p class="notice">${pt(site, "requests.closed")}</p>`
          : html`<h2 id="reply">${resubmit ? pt(site, "creative.resubmit") : pt(site, "requests.reply")}</h2>
              ${errorSummary(site, errors)}
              <form method="post" action="${site.base}/requests/${ticket.number}/replies" enctype="multipart/form-data" novalidate>
                ${csrfField(site.contact!.csrfToken)} ${resubmit ? html`<input type="hidden" name="resubmit" value="1" />` : null}
                <label for="${fieldId("text")}">${pt(site, "requests.yourMessage")}</label>
                <textarea id="${fieldId("text")}" name="text" ${invalidAttrs(errors, "text")}>${data.text ?? ""}</textarea>
                ${fieldError(site, errors, "text")}
                <label for="${fieldId("attachments")}"
                  >${pt(site, "form.fieldNames.attachments")}<span class="hint">${pt(site, "form.attachmentsHint")}</span></label
                >
                <input type="file" id="${fieldId("attachments")}" name="attachments" multiple${invalidAttrs(errors, "attachments")} />
                ${fieldError(site, errors, "attachments")}
                <div class="actions">
                  <button class="brand" type="submit">${resubmit ? pt(site, "creative.resubmitButton") : pt(site, "requests.send")}</button>
                </div>
              </form>`
      }`,
  });
}

// ------------------------------------------------------------------ new request

export interface FormValues {
  subject?: string;
  text?: string;
  categoryId?: string;
  fields?: Record<string, string | string[]>;
  creative?: Record<string, string>;
}

export function newRequestPage(
  site: Site,
  data: { form: RequestForm; values: FormValues; errors: FieldProblem[]; journeyId: string },
): Html {
  const { form, values, errors } = data;
  return page(site, {
    title: pt(site, "new.title"),
    description: pt(site, "new.intro"),
    noindex: true,
    main: html`<div class="layout">
      <div>
        <h1>${form.creative ? pt(site, "creative.title") : pt(site, "new.title")}</h1>
        <p>${form.creative ? pt(site, "creative.intro") : pt(site, "new.intro")}</p>
        ${errorSummary(site, errors, Object.fromEntries(form.fields.map((f) => [`customFields.${f.key}`, f.label])))}
        <form method="post" action="${site.base}/requests" enctype="multipart/form-data" novalidate>
          ${csrfField(site.contact!.csrfToken)}
          <input type="hidden" name="journey" value="${data.journeyId}" />
          <label for="${fieldId("subject")}">${pt(site, "form.fieldNames.subject")}</label>
          <input
            type="text"
            id="${fieldId("subject")}"
            name="subject"
            maxlength="250"
            autocomplete="off"
            value="${values.subject ?? ""}"
            data-suggest="suggestions"
            data-endpoint="${site.base}/search.json"
            data-journey="${data.journeyId}"
            ${invalidAttrs(errors, "subject")}
          />
          ${fieldError(site, errors, "subject")}
          <div class="suggest" id="suggestions" hidden aria-live="polite">
            <h2>${pt(site, "new.suggestionsTitle")}</h2>
            <p class="meta" style="margin:0">${pt(site, "new.suggestionsHint")}</p>
            <ul class="articles"></ul>
          </div>
          ${
            form.categories.length
              ? html`<label for="${fieldId("categoryId")}">${pt(site, "form.fieldNames.categoryId")}</label>
                  <select id="${fieldId("categoryId")}" name="categoryId" ${invalidAttrs(errors, "categoryId")}>
                    <option value="">${pt(site, "form.choose")}</option>
                    ${form.categories.filter((c) => !c.archivedAt).map((c) => html`<option value="${c.id}" ${values.categoryId === c.id ? html` selected` : null}>${c.name}</option>`)}
                  </select>
                  ${fieldError(site, errors, "categoryId")}`
              : null
          }
          ${form.creative ? creativeFields(site, values.creative ?? {}, errors) : null}
          ${form.fields.map((f) => customField(site, f, values.fields?.[f.key], errors))}
          <label for="${fieldId("text")}">${form.creative ? pt(site, "creative.notes") : pt(site, "form.fieldNames.text")}</label>
          <textarea id="${fieldId("text")}" name="text" ${invalidAttrs(errors, "text")}>${values.text ?? ""}</textarea>
          ${fieldError(site, errors, "text")}
          <label for="${fieldId("attachments")}"
            >${form.creative ? pt(site, "creative.file") : pt(site, "form.fieldNames.attachments")}<span class="hint"
              >${pt(site, "form.attachmentsHint")}</span
            ></label
          >
          <input type="file" id="${fieldId("attachments")}" name="attachments" multiple${invalidAttrs(errors, "attachments")} />
          ${fieldError(site, errors, "attachments")}
          <div class="actions"><button class="brand" type="submit">${pt(site, "new.submit")}</button></div>
        </form>
      </div>
      <aside>
        <h2>${pt(site, "new.helpTitle")}</h2>
        <p class="meta">${pt(site, "new.helpText")}</p>
        <p><a href="${site.base}">${pt(site, "new.browse")}</a></p>
      </aside>
    </div>`,
  });
}

function customField(site: Site, field: CustomFieldRow, value: string | string[] | undefined, errors: FieldProblem[]): Html {
  const path = `customFields.${field.key}`;
  const id = fieldId(path);
  const name = `cf.${field.key}`;
  const label = html`<label for="${id}"
    >${field.label}${field.required ? html` <span aria-hidden="true">*</span>` : html` <span class="hint" style="display:inline">(${pt(site, "form.optional")})</span>`}</label
  >`;
  const attrs = html`${invalidAttrs(errors, path)}${field.required ? html` required` : null}`;
  const single = Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
  let control: Html;
  switch (field.type) {
    case "textarea":
      control = html`<textarea id="${id}" name="${name}" ${attrs}>${single}</textarea>`;
      break;
    case "boolean":
      return html`<label class="check" for="${id}"
          ><input type="checkbox" id="${id}" name="${name}" ${single ? html` checked` : null}${attrs} /> ${field.label}</label
        >${fieldError(site, errors, path)}`;
    case "select":
      control = html`<select id="${id}" name="${name}" ${attrs}>
        <option value="">${pt(site, "form.choose")}</option>
        ${field.options.map((o) => html`<option value="${o.value}" ${single === o.value ? html` selected` : null}>${o.label}</option>`)}
      </select>`;
      break;
    case "multiselect": {
      const chosen = Array.isArray(value) ? value : value ? [value] : [];
      return html`<fieldset style="border:0;padding:0;margin:1rem 0 0">
          <legend style="font-weight:600">${field.label}</legend>
          ${field.options.map(
            (o, i) =>
              html`<label class="check" for="${id}-${i}"
                ><input
                  type="checkbox"
                  id="${id}-${i}"
                  name="${name}"
                  value="${o.value}"
                  ${chosen.includes(o.value) ? html` checked` : null}
                />
                ${o.label}</label
              >`,
          )}
        </fieldset>
        ${fieldError(site, errors, path)}`;
    }
    default: {
      const type = { number: "number", integer: "number", date: "date", email: "email", url: "url" }[field.type as string] ?? "text";
      control = html`<input
        type="${type}"
        id="${id}"
        name="${name}"
        value="${single}"
        ${field.type === "integer" ? html` step="1"` : null}${attrs}
      />`;
    }
  }
  return html`${label}${control}${fieldError(site, errors, path)}`;
}

function creativeFields(site: Site, values: Record<string, string>, errors: FieldProblem[]): Html {
  const input = (key: string, type: string) => {
    const path = `creative.${key}`;
    return html`<label for="${fieldId(path)}">${pt(site, `creative.fields.${key}`)}</label>
      <input
        type="${type}"
        id="${fieldId(path)}"
        name="creative.${key}"
        value="${values[key] ?? ""}"
        ${invalidAttrs(errors, path)}
      />${fieldError(site, errors, path)}`;
  };
  const formatPath = "creative.format";
  return html`${input("campaign", "text")}
    <label for="${fieldId(formatPath)}">${pt(site, "creative.fields.format")}</label>
    <select id="${fieldId(formatPath)}" name="creative.format" ${invalidAttrs(errors, formatPath)}>
      <option value="">${pt(site, "form.choose")}</option>
      ${CREATIVE_FORMATS.map((f) => html`<option value="${f}" ${values.format === f ? html` selected` : null}>${pt(site, `creative.formats.${f}`)}</option>`)}</select
    >${fieldError(site, errors, formatPath)}
    <div class="grid two">
      ${html`<div>${input("flightStart", "date")}</div>
        <div>${input("flightEnd", "date")}</div>`}
    </div>
    ${input("landingUrl", "url")}`;
}
