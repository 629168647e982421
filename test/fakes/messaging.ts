import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

/**
 * Local fakes of the Twilio Messages API and the Meta Graph API (WhatsApp
 * Cloud API, Messenger Send API) that check what the real ones check (basic
 * auth with the account's token, bearer token, required fields) and answer in
 * their shapes: Twilio `{sid: "SM…", status: "queued"}` with `{code, message}`
 * errors; Meta `{messages: [{id: "wamid…"}]}` / `{message_id}` with
 * `{error: {message, code}}`. A recipient in `refuse` is refused as the real
 * APIs refuse an invalid number (Twilio 21211, Meta 131026… on send).
 */
export interface ProviderCall {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeProviders {
  url: string;
  calls: ProviderCall[];
  /** Phone numbers (E.164) the fakes refuse to send to. */
  refuse: Set<string>;
  close(): Promise<void>;
}

export const FAKE_TWILIO_TOKEN = "twilio-token-secret";
export const FAKE_META_TOKEN = "meta-access-token";

const uid = () => randomUUID().replace(/-/g, "").slice(0, 16);

export async function startFakeProviders(): Promise<FakeProviders> {
  const calls: ProviderCall[] = [];
  const refuse = new Set<string>();
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    calls.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    const twilio = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url!);
    if (twilio) {
      const expected = `Basic ${Buffer.from(`${twilio[1]}:${FAKE_TWILIO_TOKEN}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return json(401, { code: 20003, message: "Authenticate", status: 401 });
      const form = new URLSearchParams(body);
      if (!form.get("To") || !form.get("From") || !form.get("Body")) return json(400, { code: 21604, message: "A 'To' phone number is required." });
      if (refuse.has(form.get("To")!)) return json(400, { code: 21211, message: `The 'To' number ${form.get("To")} is not a valid phone number.`, status: 400 });
      return json(201, { sid: `SM${uid()}${uid()}`, status: "queued", to: form.get("To"), from: form.get("From"), body: form.get("Body") });
    }
    if (/^\/v21\.0\/\d+\/messages$/.test(req.url!)) {
      if (req.headers.authorization !== `Bearer ${FAKE_META_TOKEN}`) return json(401, { error: { message: "Invalid OAuth access token.", code: 190 } });
      const payload = JSON.parse(body);
      if (payload.messaging_product !== "whatsapp") return json(400, { error: { message: "messaging_product is required", code: 100 } });
      if (refuse.has(`+${payload.to}`)) return json(400, { error: { message: "(#131026) Message undeliverable", code: 131026 } });
      return json(200, { messaging_product: "whatsapp", contacts: [{ input: payload.to, wa_id: payload.to }], messages: [{ id: `wamid.${uid()}` }] });
    }
    if (req.url === "/v21.0/me/messages") {
      const payload = JSON.parse(body);
      return json(200, { recipient_id: payload.recipient.id, message_id: `m_${uid()}` });
    }
    json(404, { error: { message: "Unknown path", code: 803 } });
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
