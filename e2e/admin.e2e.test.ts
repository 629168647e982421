import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/modules/demo/seed";
import { listDesks } from "../src/modules/desks/service";
import { listAgents } from "../src/modules/identity/service";
import { getAvailability, listRoutingConfigs } from "../src/modules/routing/service";
import { listRules } from "../src/modules/rules/service";
import { listCalendars, listPolicies } from "../src/modules/sla/service";
import { createTicket, getTicket } from "../src/modules/tickets/service";
import { systemActor } from "../src/platform/context";
import { buildWeb } from "../web/build";
import { type Browser, DESKTOP, PHONE, launchBrowser } from "./browser";
import { type RunningUsher, startUsher } from "./usher";
import { axe, noHorizontalScroll, shot as saveShot, signInToWorkspace } from "./workspace";

/**
 * The admin screens in Debian's Chromium: an admin sets up a calendar, an
 * SLA policy, a trigger (dry run first), a macro and routing, and every
 * result is checked through the services, not only on screen. An agent
 * without `automation.manage` sees none of it and the API refuses them.
 * With USHER_SCREENSHOTS set, the SLA policies screen is saved.
 */
let usher: RunningUsher;
let browser: Browser;
let workspaceId: string;

beforeAll(async () => {
  await buildWeb({ ifStale: true, quiet: true });
  usher = await startUsher({ workers: false });
  workspaceId = (await seedDemo(usher.app, { tickets: 40 })).workspaceId;
  browser = await launchBrowser({ bypassCSP: true });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await usher?.close();
});

const ctx = () => usher.app.ctx(workspaceId, systemActor("test"));

const shot = (page: Page, name: string) => saveShot(page, `admin-${name}`);
const signIn = (page: Page, email: string) => signInToWorkspace(page, usher.url, email);

const adminNav = (page: Page) => page.getByRole("navigation", { name: "Administration" });

async function openSection(page: Page, name: string, heading = name) {
  await adminNav(page).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name: heading, level: 2 }).waitFor();
}

describe("the admin screens", () => {
  let admin: Page;
  let calendarId: string;
  let refundTicket: { id: string; number: number };

  beforeAll(async () => {
    admin = await browser.newPage(DESKTOP);
    await signIn(admin, "admin@lumen.example");
  }, 60_000);

  it("a calendar with a holiday: the server's validation shows beside the field, then it saves", { timeout: 90_000 }, async () => {
    await openSection(admin, "Business calendars");
    expect(await axe(admin)).toEqual([]);
    await admin.getByRole("button", { name: "New calendar" }).click();
    const form = admin.getByRole("form", { name: "New calendar" });
    await form.getByLabel("Name").fill("Kyiv box office");
    await form.getByLabel("Time zone").selectOption("Europe/Kyiv");
    // Monday closes before it opens: the API's problem names hours.0.end, and the screen puts it under that field.
    await form.getByLabel("Until").first().fill("08:00");
    await form.getByRole("combobox", { name: "Holidays" }).fill("2026-12-25");
    await form.getByRole("combobox", { name: "Holidays" }).press("Enter");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("must be after start").waitFor();
    expect(await form.getByLabel("Until").first().getAttribute("aria-invalid")).toBe("true");
    expect(await axe(admin)).toEqual([]);
    await form.getByLabel("Until").first().fill("18:00");
    await form.getByRole("button", { name: "Save" }).click();
    await admin.locator("[data-item='Kyiv box office']").waitFor();

    const calendar = (await listCalendars(ctx())).find((c) => c.name === "Kyiv box office")!;
    expect(calendar).toMatchObject({ timeZone: "Europe/Kyiv", alwaysOpen: false, holidays: ["2026-12-25"] });
    expect(calendar.hours).toEqual([1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: day === 1 ? "18:00" : "17:00" })));
    calendarId = calendar.id;
  });

  it("an SLA policy counting business time in that calendar, moved up the order; the calendar cannot then be deleted", { timeout: 90_000 }, async () => {
    await openSection(admin, "SLA policies");
    await admin.getByRole("button", { name: "New SLA policy" }).click();
    const form = admin.getByRole("form", { name: "New SLA policy" });
    await form.getByLabel("Name").fill("Kyiv VIPs");
    await form.getByRole("button", { name: "Add a condition" }).click();
    await form.getByLabel("Field of condition 1").selectOption("requester.tier");
    await form.getByLabel("Operator of condition 1").selectOption("is");
    await form.getByLabel("Value of condition 1").selectOption("vip");
    await form.getByLabel("Minutes for target 1").fill("30");
    await form.getByLabel("Time counted").selectOption(calendarId);
    expect(await axe(admin)).toEqual([]);
    await form.getByRole("button", { name: "Save" }).click();
    await admin.locator("[data-item='Kyiv VIPs']").waitFor();

    const before = await listPolicies(ctx());
    const policy = before.find((p) => p.name === "Kyiv VIPs")!;
    expect(policy).toMatchObject({
      calendarId,
      active: true,
      conditions: { all: [{ field: "requester.tier", op: "is", value: "vip" }] },
      targets: [{ metric: "first_reply", minutes: 30 }],
    });
    const index = before.indexOf(policy);
    expect(index).toBeGreaterThan(0);
    await admin.getByRole("button", { name: "Move Kyiv VIPs up" }).click();
    await admin.getByText("Order saved").waitFor();
    const after = await listPolicies(ctx());
    expect(after.findIndex((p) => p.id === policy.id)).toBe(index - 1);
    expect(after[index]!.id).toBe(before[index - 1]!.id);
    // The list as it now stands on a fresh load; its summaries name desks and fields, not ids.
    await admin.goto(`${usher.url}/admin/sla`);
    await admin.locator("[data-item='Kyiv VIPs']").getByText("Contact tier is VIP").waitFor();
    await admin.locator("[data-item^='Box office e-mail']").getByText(/^Desk is Box office/).waitFor();
    await shot(admin, "sla-policies-desktop");

    // A calendar a policy counts in is refused (409 automation.in_use), and says why.
    await openSection(admin, "Business calendars");
    admin.once("dialog", (dialog) => void dialog.accept());
    await admin.getByRole("button", { name: "Delete Kyiv box office" }).click();
    await admin.getByText("An SLA policy counts business time in this calendar").waitFor();
    expect((await listCalendars(ctx())).some((c) => c.id === calendarId)).toBe(true);
  });

  it("a trigger: its dry run predicts the change without making it, then it fires and its audit shows the ticket", { timeout: 120_000 }, async () => {
    const desk = (await listDesks(ctx())).find((d) => d.key === "box-office")!;
    refundTicket = await createTicket(ctx(), {
      deskId: desk.id,
      subject: "Refund for the cancelled matinee",
      channel: "email",
      requester: { identities: [{ kind: "email", value: "matinee.fan@example.com" }], name: "Matinee Fan" },
      message: { text: "The show was cancelled; I would like my money back." },
    });
    const untouched = await getTicket(ctx(), refundTicket.id);

    await openSection(admin, "Triggers");
    await admin.getByRole("button", { name: "New trigger" }).click();
    const form = admin.getByRole("form", { name: "New trigger" });
    await form.getByLabel("Name").fill("Refund requests to Tier 2");
    await form.getByRole("button", { name: "Add a condition" }).click();
    await form.getByLabel("Field of condition 1").selectOption("subject");
    await form.getByLabel("Operator of condition 1").selectOption("contains");
    await form.getByLabel("Value of condition 1").fill("refund");
    await form.getByLabel("Tags for action 1").fill("refund-request");
    await form.getByLabel("Tags for action 1").press("Enter");
    await form.getByRole("button", { name: "Add an action" }).click();
    await form.getByLabel("Action 2", { exact: true }).selectOption("set");
    await form.getByLabel("Field for action 2").selectOption("tier");
    await form.getByLabel("Value for action 2").selectOption("2");

    const dryRun = admin.getByRole("form", { name: "Dry run" });
    await dryRun.getByLabel("Ticket number").fill(String(refundTicket.number));
    await dryRun.getByRole("button", { name: "Try it" }).click();
    const result = admin.getByTestId("dry-run-result");
    await result.getByText("The conditions hold").waitFor();
    const rows = await result.getByTestId("dry-run-changes").locator("tbody tr").allInnerTexts();
    expect(rows.map((r) => r.split("\t").map((c) => c.trim()))).toEqual(
      expect.arrayContaining([
        ["tier", "1", "2"],
        ["tags", untouched.tags.join(", ") || "—", [...untouched.tags, "refund-request"].sort().join(", ")],
      ]),
    );
    expect(await axe(admin)).toEqual([]);
    // A dry run changes nothing.
    expect(await getTicket(ctx(), refundTicket.id)).toMatchObject({ tier: untouched.tier, tags: untouched.tags, version: untouched.version });

    await form.getByRole("button", { name: "Save" }).click();
    await admin.locator("[data-item='Refund requests to Tier 2']").waitFor();
    const trigger = (await listRules(ctx(), "trigger")).find((r) => r.name === "Refund requests to Tier 2")!;
    expect(trigger).toMatchObject({
      active: true,
      events: ["created"],
      conditions: { all: [{ field: "subject", op: "contains", value: "refund" }] },
      actions: [
        { type: "add_tags", tags: ["refund-request"] },
        { type: "set", field: "tier", value: 2 },
      ],
    });

    // It fires on the next matching ticket, and its audit (recent firings) names that ticket.
    const fired = await createTicket(ctx(), {
      deskId: desk.id,
      subject: "Refund please: double charged",
      channel: "email",
      requester: { identities: [{ kind: "email", value: "double.charge@example.com" }] },
      message: { text: "I was charged twice." },
    });
    expect(await getTicket(ctx(), fired.id)).toMatchObject({ tier: 2, tags: expect.arrayContaining(["refund-request"]) });
    await admin.getByRole("button", { name: "Edit Refund requests to Tier 2" }).click();
    await admin.getByTestId("audit").getByRole("link", { name: `#${fired.number} Refund please: double charged` }).waitFor();
    await admin.getByRole("button", { name: "Cancel" }).click();
  });

  it("a macro, applied from the ticket page; the ticket's history says which macro did it", { timeout: 90_000 }, async () => {
    await openSection(admin, "Macros");
    await admin.getByRole("button", { name: "New macro" }).click();
    const form = admin.getByRole("form", { name: "New macro" });
    await form.getByLabel("Name").fill("Ask for the seat number");
    await form.getByLabel("Tags for action 1").fill("needs-seat");
    await form.getByLabel("Tags for action 1").press("Enter");
    await form.getByRole("button", { name: "Add an action" }).click();
    await form.getByLabel("Action 2", { exact: true }).selectOption("set");
    await form.getByLabel("Field for action 2").selectOption("priority");
    await form.getByLabel("Value for action 2").selectOption("high");
    await form.getByRole("button", { name: "Save" }).click();
    await admin.locator("[data-item='Ask for the seat number']").waitFor();
    const macro = (await listRules(ctx(), "macro")).find((r) => r.name === "Ask for the seat number")!;
    expect(macro.actions).toEqual([
      { type: "add_tags", tags: ["needs-seat"] },
      { type: "set", field: "priority", value: "high" },
    ]);

    await admin.goto(`${usher.url}/tickets/${refundTicket.number}`);
    await admin.getByRole("button", { name: "Macros" }).click();
    await admin.getByRole("menuitem", { name: "Ask for the seat number" }).click();
    await admin.getByText("Macro Ask for the seat number applied").waitFor();
    expect(await getTicket(ctx(), refundTicket.id)).toMatchObject({ priority: "high", tags: expect.arrayContaining(["needs-seat"]) });
    await admin.getByRole("tab", { name: "History" }).click();
    await admin.getByText(/by macro Ask for the seat number/).first().waitFor();
  });

  it("routing: least loaded by skills on the box office, and an agent's availability, shifts and tiers", { timeout: 90_000 }, async () => {
    const desk = (await listDesks(ctx())).find((d) => d.key === "box-office")!;
    const aoife = (await listAgents(ctx(), { q: "Aoife" })).items[0]!;
    await openSection(admin, "Routing");
    expect(await axe(admin)).toEqual([]);
    await admin.getByRole("button", { name: "New routing configuration" }).click();
    const form = admin.getByRole("form", { name: "New routing configuration" });
    await form.getByLabel("Desk", { exact: true }).selectOption(desk.id);
    await form.getByLabel("Strategy").selectOption("least_loaded");
    await form.getByLabel("Route by skills").check();
    await form.getByRole("button", { name: "Save" }).click();
    await admin.getByText("Routing saved").waitFor();
    const configs = await listRoutingConfigs(ctx());
    expect(configs.filter((c) => c.deskId === desk.id), JSON.stringify(configs)).toEqual([
      expect.objectContaining({ strategy: "least_loaded", useSkills: true, active: true }),
    ]);

    await admin.getByRole("button", { name: "Edit Aoife Byrne" }).click();
    const availability = admin.getByRole("form", { name: "Availability of Aoife Byrne" });
    await availability.getByLabel("Status").selectOption("away");
    await availability.getByRole("button", { name: "Weekdays 09:00–17:00" }).click();
    await availability.getByLabel("Tier 1").check();
    expect(await axe(admin)).toEqual([]);
    await availability.getByRole("button", { name: "Save" }).click();
    await admin.getByText("Aoife Byrne saved").waitFor();
    const saved = await getAvailability(ctx(), aoife.id);
    expect(saved).toMatchObject({ status: "away", skills: { tiers: [1] } });
    expect(saved.shifts).toHaveLength(5);
  });

  it("works at 375 px: the admin area is in the menu, lists and editors fit, and pass axe", { timeout: 90_000 }, async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${usher.url}/admin/sla`);
    await page.getByRole("heading", { name: "SLA policies", level: 2 }).waitFor();
    await page.locator("[data-item='Kyiv VIPs']").waitFor();
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    await shot(page, "sla-policies-phone");
    await page.getByRole("button", { name: "Edit Kyiv VIPs" }).click();
    await page.getByRole("form", { name: "Edit SLA policy Kyiv VIPs" }).waitFor();
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    await page.goto(`${usher.url}/admin/triggers`);
    await page.getByRole("button", { name: "Edit Refund requests to Tier 2" }).click();
    await page.getByRole("form", { name: "Dry run" }).waitFor();
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    // The navigation sits behind the menu button on a phone.
    await page.getByRole("button", { name: "Open navigation" }).click();
    await adminNav(page).getByRole("link", { name: "Routing" }).click();
    await page.getByRole("heading", { name: "Routing", level: 2 }).waitFor();
    await noHorizontalScroll(page);
    await page.close();
  });
});

describe("an agent without automation.manage", () => {
  it("sees no admin area, is told so at its address, and the API refuses their changes", { timeout: 60_000 }, async () => {
    // A browser of their own: the admin's session cookie lives in the other one.
    const own = await launchBrowser({ bypassCSP: true });
    const page = await own.newPage(DESKTOP);
    await signIn(page, "aoife.byrne@lumen.example");
    await page.getByRole("navigation", { name: "Views" }).first().waitFor();
    expect(await adminNav(page).count()).toBe(0);
    await page.goto(`${usher.url}/admin/calendars`);
    await page.getByText("Not available to your role").waitFor();
    expect(await page.getByRole("button", { name: "New calendar" }).count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    const answer = await page.evaluate(async () => {
      const session = await (await fetch("/api/v1/auth/session")).json();
      const response = await fetch("/api/v1/sla/calendars", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        body: JSON.stringify({ name: "Sneaky", timeZone: "UTC", alwaysOpen: true }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toMatchObject({ status: 403, body: { code: "auth.forbidden" } });
    expect((await listCalendars(ctx())).some((c) => c.name === "Sneaky")).toBe(false);
    await own.close();
  });
});
