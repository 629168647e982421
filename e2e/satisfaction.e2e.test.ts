import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestWorkspace, makeTicket, makeWorkspace, uid } from "../test/factories";
import { ControlledClock } from "../src/platform/clock";
import { getTicketSatisfaction, updateSurveySettings } from "../src/modules/feedback/service";
import { updateHelpCenter } from "../src/modules/kb/structure";
import { listMessages } from "../src/modules/tickets/messages";
import { updateTicket } from "../src/modules/tickets/service";
import { drainReactors } from "../src/worker";
import { type Browser, DESKTOP, PHONE, launchBrowser, seriousA11yViolations } from "./browser";
import { type RunningUsher, startUsher } from "./usher";

/**
 * The fan's satisfaction page in Debian's Chromium: the link from the survey
 * message, a bad rating with a reason and a comment, then a change of mind —
 * on a desktop and on a 375 px phone, with axe finding nothing serious.
 */
const clock = new ControlledClock("2026-06-12T18:00:00Z");
let usher: RunningUsher;
let browser: Browser;
let ws: TestWorkspace;

beforeAll(async () => {
  usher = await startUsher({ clock, workers: false });
  // axe is injected as a script: the page's CSP (script-src 'self') is bypassed for the audit only.
  browser = await launchBrowser({ bypassCSP: true });
  ws = await makeWorkspace(usher.app);
  // The browser reaches Usher as 127.0.0.1: that is this help center's host name.
  await updateHelpCenter(ws.admin.ctx, ws.desk.id, { hostname: new URL(usher.url).hostname, locales: ["en", "uk"] });
  await updateSurveySettings(ws.admin.ctx, ws.desk.id, { enabled: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await usher?.close();
});

async function solvedTicketLink() {
  const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, {
    requester: { identities: [{ kind: "email", value: `fan-${uid()}@example.com` }], name: "Dana Fan" },
  });
  await updateTicket(ws.admin.ctx, ticket.id, { status: "solved" });
  await drainReactors(usher.app);
  const survey = (await listMessages(ws.admin.ctx, ticket.id)).items.find((m) => m.kind === "outbound" && m.text.includes("/satisfaction/"))!;
  const link = /https?:\/\/\S+\/satisfaction\/[A-Za-z0-9_-]+/.exec(survey.text)![0];
  return { ticket, url: `${usher.url}${new URL(link).pathname}` };
}

for (const [device, size] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  describe(`the satisfaction page on a ${device}`, () => {
    it("rates bad with a reason and a comment, then changes to good", { timeout: 60_000 }, async () => {
      const { ticket, url } = await solvedTicketLink();
      const page = await browser.newPage(size);
      await page.goto(url);
      await page.getByRole("heading", { name: "How did we do?" }).waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      expect(scroll).toBeLessThanOrEqual(client);

      await page.getByLabel("Bad, I'm unsatisfied").check();
      await page.getByLabel("What went wrong? (optional)").selectOption("too_slow");
      await page.getByLabel("Anything you'd like to add? (optional)").fill("Three days for a yes/no answer.");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Thank you — your feedback has been recorded.").waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await getTicketSatisfaction(ws.admin.ctx, ticket.id)).toMatchObject({
        rating: "bad",
        reason: "too_slow",
        comment: "Three days for a yes/no answer.",
      });

      await page.getByLabel("Good, I'm satisfied").check();
      await page.getByRole("button", { name: "Send" }).click();
      await page.locator("#current", { hasText: "Your answer: good" }).waitFor();
      expect((await getTicketSatisfaction(ws.admin.ctx, ticket.id))!.rating).toBe("good");
      await page.close();
    });
  });
}
