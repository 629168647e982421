import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlledClock } from "../src/platform/clock";
import { systemActor } from "../src/platform/context";
import { seedDemo } from "../src/modules/demo/seed";
import { findDeskByKey } from "../src/modules/desks/service";
import { deskSummary } from "../src/modules/kb/analytics";
import { addMessage, listMessages } from "../src/modules/tickets/messages";
import { getTicket } from "../src/modules/tickets/service";
import { findWorkspaceBySlug } from "../src/modules/workspaces/service";
import { type Browser, DESKTOP, PHONE, launchBrowser, seriousA11yViolations } from "./browser";
import { type RunningUsher, startUsher } from "./usher";

/**
 * The customer portal in Debian's Chromium: a one-time sign-in link read
 * from the outbox, a request through the desk's form with custom fields
 * and an attachment, a reply, and a deflected request — on a desktop and
 * on a 375 px phone. USHER_SCREENSHOTS saves docs/screenshots/portal-*.png.
 */
const clock = new ControlledClock("2026-06-12T18:00:00Z");
const SHOTS = process.env.USHER_SCREENSHOTS;
let usher: RunningUsher;
let browser: Browser;

beforeAll(async () => {
  usher = await startUsher({ clock, workers: false });
  await seedDemo(usher.app, { tickets: 20, now: clock.now() });
  browser = await launchBrowser({ bypassCSP: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await usher?.close();
});

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `portal-${name}.png`), fullPage: true });
}

async function demo() {
  const workspace = (await findWorkspaceBySlug(usher.app.database.db, "demo"))!;
  const ctx = usher.app.ctx(workspace.id, systemActor("e2e"));
  return { ctx, desk: (await findDeskByKey(ctx, "box-office"))! };
}

/** Signs in the way a fan does: asks for a link, opens it from the mail, presses the button. */
async function signIn(page: Page, email: string, device: string) {
  // One browser for the file: start each fan without the previous fan's cookies.
  await browser.context.clearCookies();
  await page.goto(`${usher.url}/help/box-office/en/requests/new`);
  await page.waitForURL(/\/sign-in\?returnTo=/);
  await page.fill('input[name="email"]', email);
  if (device !== "deflection") await shot(page, `sign-in-${device}`);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await page.getByRole("heading", { name: "Check your e-mail" }).waitFor();
  const mail = [...usher.app.mailer.sent].reverse().find((m) => m.to === email)!;
  const link = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
  await page.goto(`${usher.url}${new URL(link).pathname}`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/help\/box-office\/en\/requests\/new/);
}

for (const [device, size] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  describe(`the portal on a ${device}`, () => {
    it(
      "signs in with a one-time link, opens a request with custom fields and an attachment, and replies",
      { timeout: 60_000 },
      async () => {
        const page = await browser.newPage(size);
        const email = `dana.${device}@example.com`;
        await signIn(page, email, device);

        await page.fill('input[name="subject"]', "Seats for the Arctic Monkeys show");
        await page
          .locator("#suggestions li")
          .first()
          .waitFor()
          .catch(() => undefined);
        await page.fill('input[name="cf.order_number"]', "12345");
        await page.fill('textarea[name="text"]', "I need two seats together.");
        await page.getByRole("button", { name: "Submit request" }).click();
        // The server checks the order number's format and shows the error beside the field.
        await page.getByText("Please correct the following").waitFor();
        expect(await page.getAttribute('input[name="cf.order_number"]', "aria-invalid")).toBe("true");
        expect(await page.inputValue('input[name="subject"]')).toBe("Seats for the Arctic Monkeys show");
        await shot(page, `form-errors-${device}`);

        await page.fill('input[name="cf.order_number"]', "LL-204511");
        await page.selectOption('select[name="cf.venue"]', { index: 1 });
        await page.fill('input[name="cf.event_date"]', "2026-07-04");
        await page.setInputFiles('input[name="attachments"]', {
          name: "booking.pdf",
          mimeType: "application/pdf",
          buffer: Buffer.from("%PDF-1.4 booking"),
        });
        expect(await seriousA11yViolations(page)).toEqual([]);
        await shot(page, `new-request-${device}`);
        await page.getByRole("button", { name: "Submit request" }).click();
        await page.waitForURL(/\/requests\/\d+$/);
        const number = Number(page.url().split("/").pop());

        const { ctx } = await demo();
        const ticket = await getTicket(ctx, number);
        expect(ticket).toMatchObject({ channel: "portal", customFields: { order_number: "LL-204511", event_date: "2026-07-04" } });
        expect((await listMessages(ctx, ticket.id)).items[0]!.attachments.map((a) => a.filename)).toEqual(["booking.pdf"]);

        await addMessage(ctx, ticket.id, { kind: "outbound", text: "Hi Dana, we have moved you to row F, seats 11 and 12." });
        await addMessage(ctx, ticket.id, { kind: "note", text: "Upgrade approved by the promoter (internal)" });
        await page.reload();
        await page.getByText("we have moved you to row F").waitFor();
        expect(await page.getByText("Upgrade approved by the promoter").count()).toBe(0);
        await page.fill('textarea[name="text"]', "Perfect, thank you!");
        await page.getByRole("button", { name: "Send reply" }).click();
        await page.getByText("Perfect, thank you!").waitFor();
        await shot(page, `conversation-${device}`);

        await page.locator("header").getByRole("link", { name: "My requests" }).click();
        await page.getByRole("link", { name: "Seats for the Arctic Monkeys show" }).waitFor();
        expect(await seriousA11yViolations(page)).toEqual([]);
        await shot(page, `requests-${device}`);
      },
    );
  });
}

describe("deflection", () => {
  it("a fan who reads a suggested article and leaves the form is counted as deflected", { timeout: 60_000 }, async () => {
    const page = await browser.newPage(PHONE);
    const { ctx, desk } = await demo();
    const period = { deskId: desk.id, from: new Date("2026-06-12T00:00:00Z"), to: new Date("2026-06-14T00:00:00Z") };
    const before = await deskSummary(ctx, period);
    await signIn(page, "reader@example.com", "deflection");
    await page.fill('input[name="subject"]', "my pdf tickets never arrived");
    const suggestion = page.locator("#suggestions a").first();
    await suggestion.waitFor();
    await shot(page, "suggestions-phone");
    await suggestion.click();
    await page.getByRole("link", { name: "I still need help — continue my request" }).waitFor();
    // The fan has their answer and goes away. An hour later the form counts as deflected.
    clock.advanceMinutes(61);
    const after = await deskSummary(ctx, period);
    expect(after.requestsStarted - before.requestsStarted).toBe(1);
    expect(after.deflections - before.deflections).toBe(1);
    clock.set("2026-06-12T18:00:00Z");
  });
});
