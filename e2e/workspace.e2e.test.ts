import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/modules/demo/seed";
import { systemActor } from "../src/platform/context";
import { createTicket, listTickets } from "../src/modules/tickets/service";
import { listDesks } from "../src/modules/desks/service";
import { actorOf, loadAgentWithAccess, updateAgent } from "../src/modules/identity/service";
import { markRead } from "../src/modules/notifications/service";
import { getOrder, findOrderId } from "../src/modules/commerce/orders";
import { sampleOrder } from "../src/modules/commerce/test-data";
import { addMessage, listMessages } from "../src/modules/tickets/messages";
import { settle } from "../test/helpers";
import { reportDelivery } from "../src/modules/channels/status";
import { createArticle, listArticles } from "../src/modules/kb/articles";
import { buildWeb } from "../web/build";
import { type Browser, DESKTOP, PHONE, launchBrowser } from "./browser";
import { type RunningUsher, startUsher } from "./usher";
import { DEMO_PASSWORD, axe, noHorizontalScroll, shot as saveShot, signInToWorkspace } from "./workspace";

/**
 * The agent workspace in Debian's Chromium: two agents in two browsers on
 * the demo world. With USHER_SCREENSHOTS set (npm run screenshots:web) the
 * inbox and the ticket page are saved at desktop and phone size.
 */
const PASSWORD = DEMO_PASSWORD;
let usher: RunningUsher;
let sam: Browser;
let olena: Browser;
let workspaceId: string;

beforeAll(async () => {
  await buildWeb({ ifStale: true, quiet: true });
  usher = await startUsher({ workers: false });
  const demo = await seedDemo(usher.app, { tickets: 150 });
  workspaceId = demo.workspaceId;
  [sam, olena] = await Promise.all([launchBrowser({ bypassCSP: true }), launchBrowser({ bypassCSP: true })]);
}, 180_000);
afterAll(async () => {
  await sam?.close();
  await olena?.close();
  await usher?.close();
});

const shot = (page: Page, name: string) => saveShot(page, `workspace-${name}`);
const signIn = (page: Page, email: string) => signInToWorkspace(page, usher.url, email);

const ctx = () => usher.app.ctx(workspaceId, systemActor("test"));

describe("the agent workspace", () => {
  let ticketNumber: number;
  let ticketId: string;

  it("signs in with the keyboard only, shows views with live counts, and passes axe", { timeout: 90_000 }, async () => {
    const page = await sam.newPage(DESKTOP);
    await page.goto(`${usher.url}/`);
    await page.waitForURL(/\/sign-in/);
    expect(await axe(page)).toEqual([]);
    // Keyboard only: the e-mail field has focus; Tab to the password; Enter submits.
    await page.keyboard.type("sam.reid@lumen.example");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByTestId("inbox").waitFor();
    expect(page.url()).toBe(`${usher.url}/`);
    await page.getByRole("navigation", { name: "Views" }).getByText("Unassigned").waitFor();
    const desks = await listDesks(ctx());
    const desk = desks.find((d) => d.key === "box-office")!;
    await page.getByLabel("Desk").selectOption(desk.id);
    await page.getByRole("link", { name: /All open/ }).click();
    await page.waitForURL(/\/views\/all_open$/);
    await page.locator("[data-ticket-list]").waitFor();
    await expect.poll(async () => Number(await page.getByTestId("count-all_open").innerText())).toBeGreaterThan(0);
    expect(await axe(page)).toEqual([]);
    await shot(page, "inbox-desktop");

    // The "?" key lists the shortcuts.
    await page.locator("body").press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    expect(await page.getByRole("dialog").innerText()).toContain("Next ticket");
    await page.keyboard.press("Escape");

    // A new ticket appears in the list and the counts without a reload.
    const before = Number(await page.getByTestId("count-all_open").innerText());
    const created = await createTicket(ctx(), {
      deskId: desk.id,
      subject: "Live: my e-tickets vanished from the app",
      channel: "email",
      requester: { identities: [{ kind: "email", value: "live.fan@example.com" }], name: "Live Fan" },
      message: { text: "They were there yesterday." },
    });
    await page.getByText("Live: my e-tickets vanished from the app").waitFor({ timeout: 10_000 });
    await expect.poll(async () => Number(await page.getByTestId("count-all_open").innerText()), { timeout: 10_000 }).toBe(before + 1);
    ticketNumber = created.number;
    ticketId = created.id;

    // j/k move, x selects, Enter opens.
    await page.locator("body").press("j");
    await page.locator("body").press("k");
    await page.keyboard.press("x");
    const bulkBar = page.getByRole("region", { name: /1 selected/ });
    await bulkBar.waitFor();
    // A bulk change on the selection (supervisors may): priority, then a tag.
    const selectedNumber = Number(
      (await page.locator("[data-ticket-row][data-active] a[data-ticket-link]").innerText()).match(/#(\d+)/)![1],
    );
    await bulkBar.getByLabel("Set priority").selectOption("high");
    await page.getByText("1 ticket changed").first().waitFor();
    await page.getByRole("region", { name: /1 selected/ }).waitFor({ state: "detached" });
    await expect.poll(async () => (await listTickets(ctx(), { q: String(selectedNumber) })).items[0]?.priority).toBe("high");
    await page.close();
  });

  it(
    "finds a ticket, replies, adds a note with a mention, changes status — and sees a second agent live",
    { timeout: 120_000 },
    async () => {
      const page = await sam.newPage(DESKTOP);
      await page.goto(`${usher.url}/`);
      await page.getByTestId("inbox").waitFor();
      // Find it: "/" focuses search; Enter opens the first match.
      await page.locator("body").press("/");
      await page.keyboard.type(String(ticketNumber));
      await page.waitForFunction(
        (n) => document.querySelectorAll("[data-ticket-row]").length === 1 && document.body.innerText.includes(`#${n}`),
        ticketNumber,
      );
      await page.keyboard.press("Enter");
      await page.waitForURL(new RegExp(`/tickets/${ticketNumber}$`));
      await page.getByText("They were there yesterday.").waitFor();
      expect(await axe(page)).toEqual([]);

      // Reply with the keyboard: r focuses the composer, Ctrl+Enter sends.
      await page.keyboard.press("r");
      await page.keyboard.type("Sorry about that! I have re-issued your e-tickets.");
      await page.keyboard.press("Control+Enter");
      await page.locator('[data-kind="outbound"]', { hasText: "re-issued your e-tickets" }).waitFor();

      // An internal note mentioning a colleague: Escape leaves the composer, n comes back to it as a note.
      await page.keyboard.press("Escape");
      await page.keyboard.press("n");
      await page.keyboard.type("@Aoife Byrne please check the barcode was voided");
      await page.keyboard.press("Control+Enter");
      await page.locator('[data-kind="note"]', { hasText: "barcode was voided" }).waitFor();

      // Status through the fields panel.
      await page.getByLabel("Status", { exact: true }).selectOption("pending");
      await expect.poll(() => page.getByTestId("ticket-status").textContent()).toBe("Pending");
      // A custom field of the desk, saved on Enter.
      await page.getByLabel("Order number").fill("LL-520682");
      await page.getByLabel("Order number").press("Enter");
      await expect
        .poll(async () => (await listTickets(ctx(), { q: String(ticketNumber) })).items[0]?.customFields.order_number)
        .toBe("LL-520682");

      // The second agent opens the same ticket: presence on both sides.
      const other = await olena.newPage(DESKTOP);
      await signIn(other, "admin@lumen.example");
      await other.goto(`${usher.url}/tickets/${ticketNumber}`);
      await other.getByText("re-issued your e-tickets").waitFor();
      await page
        .getByTestId("presence")
        .getByText(/Olena Kovalenko is viewing/)
        .waitFor({ timeout: 10_000 });
      await other
        .getByTestId("presence")
        .getByText(/Sam Reid is viewing/)
        .waitFor({ timeout: 10_000 });

      // Sam starts writing; Olena types too (seen as typing), then changes the priority and adds a note.
      await page.locator("label", { hasText: "Public reply" }).click();
      await page.getByRole("textbox", { name: "Message" }).fill("Also, your refund is on its way");
      await other.getByRole("textbox", { name: "Message" }).pressSequentially("Checking");
      await page
        .getByTestId("presence")
        .getByText(/Olena Kovalenko is typing/)
        .waitFor({ timeout: 10_000 });
      await other.getByRole("textbox", { name: "Message" }).fill("");
      await other.getByLabel("Priority", { exact: true }).selectOption("urgent");
      await other.locator("label", { hasText: "Internal note" }).click();
      await other.getByRole("textbox", { name: "Message" }).fill("Escalated: VIP at tonight's show");
      await other.getByRole("button", { name: "Add note" }).click();

      // Sam sees both changes arrive without a reload, and his reply is flagged before sending.
      await page.locator('[data-kind="note"]', { hasText: "Escalated: VIP" }).waitFor({ timeout: 10_000 });
      await expect.poll(() => page.getByLabel("Priority", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("urgent");
      const conflict = page.getByTestId("conflict");
      await conflict.waitFor({ timeout: 10_000 });
      expect(await conflict.innerText()).toContain("changed while you were writing");
      await shot(page, "ticket-desktop");
      await conflict.getByRole("button", { name: "Send anyway" }).click();
      await page.locator('[data-kind="outbound"]', { hasText: "refund is on its way" }).waitFor();
      await other.locator('[data-kind="outbound"]', { hasText: "refund is on its way" }).waitFor({ timeout: 10_000 });

      // Stored: the reply, the note and its mention, the status.
      const [ticket] = (await listTickets(ctx(), { q: String(ticketNumber) })).items;
      expect(ticket?.id).toBe(ticketId);
      expect(ticket?.priority).toBe("urgent");
      const { rows } = await usher.app.database.executeSql(
        "select count(*)::int as n from activities where workspace_id = $1 and ticket_id = $2 and type = 'agent.mentioned'",
        [workspaceId, ticketId],
      );
      expect(rows[0].n).toBe(1);
      await other.close();
      await page.close();
    },
  );

  it("the bell: a mention arrives live, opens its ticket, is marked read; e-mail choices are kept", { timeout: 90_000 }, async () => {
    const agentId = async (email: string) =>
      ((await usher.app.database.executeSql("select id from agents where workspace_id = $1 and email = $2", [workspaceId, email])).rows[0] as { id: string }).id;
    const [samId, olenaId] = [await agentId("sam.reid@lumen.example"), await agentId("admin@lumen.example")];
    const samCtx = usher.app.ctx(workspaceId, actorOf((await loadAgentWithAccess(usher.app.database.db, workspaceId, samId))!, "session"));
    const page = await olena.newPage(DESKTOP);
    await page.goto(`${usher.url}/`);
    if (page.url().includes("/sign-in")) await signIn(page, "admin@lumen.example");
    await page.getByTestId("inbox").waitFor();
    await markRead(usher.app.ctx(workspaceId, actorOf((await loadAgentWithAccess(usher.app.database.db, workspaceId, olenaId))!, "session")), { all: true });
    await page.reload();
    const bell = page.getByTestId("notifications");
    await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications");

    // Sam mentions Olena; the queued reactor keeps the notification, and her open page hears of it without a reload.
    await addMessage(samCtx, ticketId, { kind: "note", text: "Olena, can you approve the comp tickets?", mentions: { agentIds: [olenaId] } });
    await settle(usher.app, workspaceId);
    await expect.poll(() => bell.getAttribute("aria-label"), { timeout: 10_000 }).toBe("Notifications, 1 unread");
    await bell.click();
    const item = page.getByRole("dialog", { name: "Notifications" }).getByRole("button", { name: new RegExp(`Sam Reid mentioned you on #${ticketNumber}`) });
    await item.waitFor();
    expect(await axe(page)).toEqual([]);

    // E-mail me about assignments too: kept on the server.
    await page.getByRole("checkbox", { name: "Assignments" }).check();
    await expect.poll(async () => (await usher.app.database.executeSql("select email_kinds from notification_preferences where agent_id = $1", [olenaId])).rows[0]).toEqual({
      email_kinds: ["mention", "rule", "assigned", "sla_breach"],
    });

    await item.click();
    await page.waitForURL(new RegExp(`/tickets/${ticketNumber}$`));
    await expect.poll(() => bell.getAttribute("aria-label")).toBe("Notifications");
    const { rows } = await usher.app.database.executeSql("select count(*)::int as n from agent_notifications where agent_id = $1 and read_at is null", [olenaId]);
    expect(rows[0].n).toBe(0);

    // On a phone the list fits the screen.
    await page.setViewportSize(PHONE);
    await bell.click();
    await page.getByRole("dialog", { name: "Notifications" }).waitFor();
    await noHorizontalScroll(page);
    await page.close();
  });

  it(
    "shows the fan's orders, seats, scans and payment beside the ticket, and refunds within policy from there",
    { timeout: 90_000 },
    async () => {
      const [desk] = await listDesks(ctx());
      const bought = await sampleOrder(ctx(), { email: "refund.fan@example.com", scanned: false });
      const ticket = await createTicket(ctx(), {
        deskId: desk!.id,
        subject: "Can I get my money back for Saturday?",
        channel: "email",
        requester: { identities: [{ kind: "email", value: "refund.fan@example.com" }], name: "Refund Fan" },
        message: { text: "I can no longer make it, sorry." },
      });
      const orderId = await findOrderId(ctx(), "test", bought.orderExternalId);
      const order = await getOrder(ctx(), orderId);

      const page = await sam.newPage(DESKTOP);
      await page.goto(`${usher.url}/tickets/${ticket.number}`);
      await page.getByRole("tab", { name: "Requester" }).click();
      const panel = page.getByRole("region", { name: "Customer" });
      await panel.getByText(order.order.number).waitFor();
      // Money in the order's currency from minor units; the card by brand and last four digits only.
      await panel
        .getByText(/£97\.00/)
        .first()
        .waitFor();
      await panel.getByText(/visa •••• 4242/).waitFor();
      await panel.getByText("Section Stalls, row F, seat 11").waitFor();
      expect(await axe(page)).toEqual([]);

      await panel.getByRole("button", { name: "Refund…" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText(/Policy allows a refund of/).waitFor();
      await dialog.getByRole("button", { name: "Refund", exact: true }).click();
      await panel.getByText(`Order ${order.order.number} was refunded`).waitFor();
      // Money moved once, the order says so, and the fan was told on this ticket.
      const after = await getOrder(ctx(), orderId);
      expect(after.order.refundedTotal).toBeGreaterThan(0);
      expect(after.admissions.every((a) => a.state === "refunded")).toBe(true);
      const messages = await listMessages(ctx(), ticket.id, {});
      expect(messages.items.some((m) => m.kind === "outbound")).toBe(true);
      await page.close();
    },
  );

  it(
    "suggests articles on the ticket, inserts one's link into the reply, and turns a reply into a draft article",
    { timeout: 90_000 },
    async () => {
      const [desk] = await listDesks(ctx());
      await createArticle(ctx(), {
        deskId: desk!.id,
        locale: "en",
        publish: true,
        title: "Barcode rejected at the venue gate",
        summary: "What to do when your ticket barcode will not scan at the door.",
        bodyHtml: "<p>If the barcode is rejected at the gate, open the ticket in the app again and ask a steward.</p>",
      });
      const ticket = await createTicket(ctx(), {
        deskId: desk!.id,
        subject: "Barcode rejected at the gate",
        channel: "email",
        requester: { identities: [{ kind: "email", value: "gate.fan@example.com" }], name: "Gate Fan" },
        message: { text: "The steward said my barcode was rejected." },
      });
      const page = await sam.newPage(DESKTOP);
      await page.goto(`${usher.url}/tickets/${ticket.number}`);
      await page.getByText("The steward said my barcode was rejected.").waitFor();
      await page.getByRole("tab", { name: "Knowledge base" }).click();
      const suggestions = page.getByRole("region", { name: "Suggested articles" });
      await suggestions.getByText("Barcode rejected at the venue gate").waitFor();
      await suggestions.getByRole("button", { name: "Insert link: Barcode rejected at the venue gate" }).click();
      await expect
        .poll(() => page.locator("textarea").first().inputValue())
        .toMatch(/Barcode rejected at the venue gate: http:\/\/.+\/help\/.+\/articles\/\d+-/);
      await page.keyboard.press("Control+Enter");
      const reply = page.locator('[data-kind="outbound"]', { hasText: "Barcode rejected at the venue gate" });
      await reply.waitFor();
      expect(await axe(page)).toEqual([]);

      await reply.getByRole("button", { name: "Turn into an article" }).click();
      await page
        .getByText(/Draft article created/)
        .first()
        .waitFor();
      const drafts = await listArticles(ctx(), { deskId: desk!.id });
      expect(drafts.some((a) => a.translations.some((t) => t.publishedVersion === null))).toBe(true);
      await page.close();
    },
  );

  it("works on a 375 px phone: the list, and the ticket with its panels as tabs", { timeout: 90_000 }, async () => {
    const page = await sam.newPage(PHONE);
    await page.goto(`${usher.url}/views/all_open`);
    await page.locator("[data-ticket-list]").waitFor();
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    await shot(page, "inbox-phone");
    await page.getByRole("button", { name: "Open navigation" }).click();
    await page.getByRole("link", { name: /Unassigned/ }).click();
    await page.waitForURL(/\/views\/unassigned$/);

    await page.goto(`${usher.url}/tickets/${ticketNumber}`);
    await page.getByText("They were there yesterday.").waitFor();
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    await shot(page, "ticket-phone");
    await page.getByRole("tab", { name: "Details" }).click();
    await page.getByLabel("Status", { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Requester" }).click();
    await page.getByText("Live Fan").first().waitFor();
    await page.close();
  });

  it("shows each reply's delivery state, the provider's reason for a failure, and sends it again", { timeout: 90_000 }, async () => {
    const desk = (await listDesks(ctx())).find((d) => d.key === "box-office")!;
    const created = await createTicket(ctx(), {
      deskId: desk.id,
      subject: "Delivery: my tickets never arrived by SMS",
      channel: "email",
      requester: { identities: [{ kind: "email", value: "gone.fan@example.com" }], name: "Gone Fan" },
      message: { text: "Please resend my tickets." },
    });
    const { message } = await addMessage(ctx(), created.id, { kind: "outbound", text: "Resent them just now." });
    // What a bounce reports (workers are off here, so nothing else moves it).
    await reportDelivery(ctx(), message.id, { status: "failed", source: "dsn", errorCode: "5.1.1", errorReason: "550 5.1.1 User unknown" });
    for (const size of [DESKTOP, PHONE]) {
      const page = await sam.newPage(size);
      await page.goto(`${usher.url}/tickets/${created.number}`);
      const reply = page.locator('[data-kind="outbound"]', { hasText: "Resent them just now." });
      const badge = reply.locator("[data-delivery]");
      await badge.waitFor();
      expect(await badge.getAttribute("data-delivery")).toBe("failed");
      expect(await badge.innerText()).toMatch(/not delivered/i);
      await badge.focus();
      await page.getByRole("tooltip").filter({ hasText: "550 5.1.1 User unknown" }).waitFor();
      await noHorizontalScroll(page);
      expect(await axe(page)).toEqual([]);
      // The failure is in the ticket's history too, as a sentence (the History tab; on a phone its panel mounts when opened).
      if (size === DESKTOP) await page.getByText(/Reply via e-mail not delivered: 5\.1\.1 — 550 5\.1\.1 User unknown/).waitFor({ state: "attached" });
      if (size === PHONE) {
        await reply.getByRole("button", { name: "Send again" }).click();
        await expect.poll(async () => badge.getAttribute("data-delivery"), { timeout: 10_000 }).toBe("pending");
      }
      await page.close();
    }
  });

  it("speaks Ukrainian to an agent who chose it, with dates in their time zone", { timeout: 60_000 }, async () => {
    const page = await olena.newPage(DESKTOP);
    await page.goto(`${usher.url}/`);
    await page.locator("[data-testid=inbox], input[name=password]").first().waitFor();
    if (page.url().includes("/sign-in")) await signIn(page, "admin@lumen.example");
    // Olena works from Kyiv; the browser is in London: dates follow the agent, not the machine.
    const [olenaRow] = (await usher.app.database.executeSql("select id from agents where email = 'admin@lumen.example'")).rows as {
      id: string;
    }[];
    await updateAgent(ctx(), olenaRow!.id, { timezone: "Europe/Kyiv" });
    await page.reload();
    await page.getByTestId("inbox").waitFor();
    await page.getByLabel("Language").selectOption("uk");
    await page.getByRole("link", { name: /Мої відкриті/ }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("uk");
    const boxOffice = (await listDesks(ctx())).find((d) => d.key === "box-office")!;
    await page.getByLabel("Служба").selectOption(boxOffice.id);
    await page.getByRole("link", { name: /Усі відкриті/ }).click();
    const row = page.locator("[data-ticket-row]").first();
    await row.waitFor();
    const number = Number((await row.locator("a[data-ticket-link]").innerText()).match(/#(\d+)/)![1]);
    const [ticket] = (await listTickets(ctx(), { q: String(number) })).items;
    const expected = new Intl.DateTimeFormat("uk-UA", { timeZone: "Europe/Kyiv", dateStyle: "medium", timeStyle: "short" }).format(
      ticket!.updatedAt,
    );
    expect(await row.locator("[title]").first().getAttribute("title")).toBe(expected);
    expect(await row.innerText()).toMatch(/[а-яіїєґ]/i);
    expect(await axe(page)).toEqual([]);
    await page.getByLabel("Мова").selectOption("en");
    await page.getByRole("link", { name: /My open tickets/ }).waitFor();
    await page.close();
  });

  it("incidents: declared, a ticket linked by number, one update sent to every fan and solving them", { timeout: 90_000 }, async () => {
    const page = await olena.newPage(DESKTOP);
    await page.goto(`${usher.url}/`);
    if (page.url().includes("/sign-in")) await signIn(page, "admin@lumen.example");
    await page.getByRole("link", { name: /^Incidents/ }).click();
    await page.waitForURL(/\/incidents$/);
    await page.getByLabel("What is wrong").fill("Stream down during the encore");
    await page.getByLabel("Severity").selectOption("critical");
    await page.getByRole("button", { name: "Declare" }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    const incidentId = page.url().split("/").pop()!;

    await page.getByLabel("Link ticket number").fill(String(ticketNumber));
    await page.getByRole("button", { name: "Link", exact: true }).click();
    await page.getByRole("list", { name: "Affected tickets" }).getByRole("link", { name: `#${ticketNumber}` }).waitFor();
    expect(await axe(page)).toEqual([]);

    await page.getByLabel("English").fill("Hi {{requester.name}}, the stream is back: replay the encore from your account.");
    await page.getByLabel("Solve the tickets with this update and resolve the incident").check();
    await page.getByRole("button", { name: /Send to 1 fan and solve/ }).click();
    await page.getByText("Update on its way to 1 ticket").waitFor();
    await settle(usher.app, workspaceId);
    const last = (await listMessages(ctx(), ticketId)).items.at(-1)!;
    expect(last).toMatchObject({ kind: "outbound", text: expect.stringContaining("the stream is back") });
    expect((await listTickets(ctx(), { q: String(ticketNumber) })).items[0]?.status).toBe("solved");
    const { rows } = await usher.app.database.executeSql("select status from incidents where id = $1", [incidentId]);
    expect(rows[0]).toEqual({ status: "resolved" });

    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole("heading", { name: "Stream down during the encore" }).waitFor();
    await noHorizontalScroll(page);
    await page.close();
  });
});
