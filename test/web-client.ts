import type { FastifyInstance, LightMyRequestResponse } from "fastify";

/**
 * A browser-like client for server-rendered pages over Fastify's inject:
 * keeps cookies, sends a Host header, posts forms (urlencoded or
 * multipart) and reads CSRF tokens out of the HTML it was given.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly server: FastifyInstance,
    private readonly host: string,
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(res: LightMyRequestResponse) {
    const set = res.headers["set-cookie"];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(
      await this.server.inject({ method: "GET", url, headers: { host: this.host, cookie: this.cookieHeader(), ...headers } }),
    );
  }

  async post(url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.keep(
      await this.server.inject({
        method: "POST",
        url,
        payload: body.toString(),
        headers: { host: this.host, cookie: this.cookieHeader(), "content-type": "application/x-www-form-urlencoded", ...headers },
      }),
    );
  }

  async postMultipart(
    url: string,
    fields: Record<string, string | string[]>,
    files: { field: string; name: string; type: string; content: Buffer }[] = [],
  ) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.content)], { type: f.type }), f.name);
    const encoded = new Response(form);
    const payload = Buffer.from(await encoded.arrayBuffer());
    return this.keep(
      await this.server.inject({
        method: "POST",
        url,
        payload,
        headers: { host: this.host, cookie: this.cookieHeader(), "content-type": encoded.headers.get("content-type")! },
      }),
    );
  }
}

/** The CSRF token of the page's first form, or of the form posting to `action`. */
export function csrfOf(html: string, action?: string): string {
  const from = action ? html.indexOf(`action="${action}"`) : 0;
  const match = /name="_csrf" value="([^"]+)"/.exec(html.slice(Math.max(0, from)));
  if (!match) throw new Error("no CSRF token on the page");
  return match[1]!;
}

export function linkFromMail(text: string): string {
  const match = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(text);
  if (!match) throw new Error(`no sign-in link in:\n${text}`);
  return new URL(match[0]).pathname;
}
