import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { addDeskAddress } from "../src/modules/desks/service";
import { createApiToken } from "../src/modules/identity/auth";
import { addMessage, listMessages } from "../src/modules/tickets/messages";
import { listTickets } from "../src/modules/tickets/service";
import { makeWorkspace, uid } from "../test/factories";
import { type Browser, launchBrowser } from "./browser";
import { type RunningUsher, startUsher } from "./usher";

/**
 * The chat widget in Debian's Chromium, embedded by one script tag in a fan
 * site: the fan writes, an online agent answers from the workspace, the
 * answer appears in the widget.
 */
let usher: RunningUsher;
let browser: Browser;

beforeAll(async () => {
  usher = await startUsher();
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await usher?.close();
}, 60_000);

describe("the chat widget in a browser", () => {
  it("carries a conversation between a fan on a site and an agent", async () => {
    const { system, desk, admin } = await makeWorkspace(usher.app);
    const key = `lumen-${uid()}`;
    await addDeskAddress(system, desk.id, { channel: "chat", address: key });
    const { token } = await createApiToken(admin.ctx, { name: "workspace" });
    const agent = new WebSocket(`${usher.url.replace("http", "ws")}/api/v1/chat/presence`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => (agent.once("open", resolve), agent.once("error", reject)));

    const page = await browser.newPage();
    // The fan site: another origin (on loopback, as Chromium will not let a public page load from it).
    const site = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html lang="en"><head><title>Lumen Live</title></head><body><h1>Lumen Live</h1>
          <script src="${usher.url}/chat/widget.js" data-usher-chat="${key}" async></script></body></html>`),
    );
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(siteUrl);
    await page.waitForSelector("#usher-chat", { state: "attached", timeout: 10_000 }).catch(async () => {
      throw new Error(`the widget did not mount: ${problems.join("; ")}\n${await page.content()}`);
    });
    await page.click("#usher-chat >> button.b");
    await page.fill("#usher-chat >> form.f input", "Can I bring a camera to the Arena?");
    await page.click("#usher-chat >> form.f button");
    await expect.poll(async () => (await listTickets(system)).items.length, { timeout: 10_000 }).toBe(1);
    const [ticket] = (await listTickets(system)).items;
    expect(ticket!.channel).toBe("chat");
    expect((await listMessages(system, ticket!.id)).items[0]!.text).toBe("Can I bring a camera to the Arena?");

    await addMessage(admin.ctx, ticket!.id, { kind: "outbound", text: "Small cameras yes, no detachable lenses." });
    await page.waitForSelector("#usher-chat >> .m.agent", { timeout: 15_000 });
    expect(await page.textContent("#usher-chat >> .m.agent")).toBe("Small cameras yes, no detachable lenses.");
    agent.close();
    site.close();
  }, 60_000);
});
