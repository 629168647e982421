import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlledClock } from "../src/platform/clock";
import { seedDemo } from "../src/modules/demo/seed";
import { type Browser, DESKTOP, PHONE, launchBrowser, seriousA11yViolations } from "./browser";
import { type RunningUsher, startUsher } from "./usher";

/**
 * The help center in Debian's Chromium, on a desktop and on a 375 px phone.
 * With USHER_SCREENSHOTS set (npm run screenshots:kb) the pages are saved
 * as docs/screenshots/helpcenter-*.png.
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
  await page.screenshot({ path: join(SHOTS, `helpcenter-${name}.png`), fullPage: true });
}

async function noHorizontalScroll(page: Page) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scroll, "the page scrolls sideways").toBeLessThanOrEqual(client);
}

for (const [device, size] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  describe(`the help center on a ${device}`, () => {
    it("sends the fan to their language, searches as they type, reads an article and says it helped", { timeout: 60_000 }, async () => {
      const page = await browser.newPage(size);
      const response = await page.goto(`${usher.url}/help/box-office`);
      expect(response?.status()).toBe(200);
      expect(page.url()).toBe(`${usher.url}/help/box-office/en`);
      expect(await page.title()).toBe("Lumen Live Help");
      expect(await page.getAttribute('meta[name="description"]', "content")).toBe("Tickets, refunds and getting in");
      await expect(page.locator("h1").innerText()).resolves.toBe("Tickets, refunds and getting in");
      await noHorizontalScroll(page);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await shot(page, `home-${device}`);

      // Search as you type, with a typo.
      await page.fill("#q", "pdf tikets");
      const suggestion = page.locator("#q-live a").first();
      await suggestion.waitFor();
      expect(await suggestion.innerText()).toContain("My PDF tickets never arrived");
      await shot(page, `search-as-you-type-${device}`);
      await suggestion.click();
      await page.waitForURL(/\/help\/box-office\/en\/articles\/\d+-my-pdf-tickets-never-arrived$/);
      expect(await page.title()).toBe("My PDF tickets never arrived · Lumen Live Help");
      expect(await page.getAttribute('link[rel="canonical"]', "href")).toMatch(
        /\/help\/box-office\/en\/articles\/\d+-my-pdf-tickets-never-arrived$/,
      );
      expect(await page.locator('link[rel="alternate"][hreflang="uk"]').count()).toBe(1);
      await noHorizontalScroll(page);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await shot(page, `article-${device}`);

      await page.getByRole("button", { name: /Yes/ }).click();
      await page.getByText("Thanks! Glad it helped.").waitFor();
    });

    it("shows the search results page with marked matches, and says so when nothing is found", { timeout: 60_000 }, async () => {
      const page = await browser.newPage(size);
      await page.goto(`${usher.url}/help/box-office/en/search?q=${encodeURIComponent("refund cancelled")}`);
      expect(await page.locator("ol.results li").count()).toBeGreaterThan(0);
      expect(await page.locator("ol.results mark").count()).toBeGreaterThan(0);
      await noHorizontalScroll(page);
      await shot(page, `results-${device}`);
      await page.goto(`${usher.url}/help/box-office/en/search?q=parking`);
      await page.getByText("No articles found").waitFor();
      expect(await page.getByRole("link", { name: "Submit a request" }).count()).toBeGreaterThan(0);
    });
  });
}

describe("the help center in Ukrainian", () => {
  it("follows Accept-Language to the Ukrainian pages and switches language on an article", { timeout: 60_000 }, async () => {
    const uk = await launchBrowser({ locale: "uk-UA" });
    try {
      const page = await uk.newPage(PHONE);
      await page.goto(`${usher.url}/help/streaming`);
      expect(page.url()).toBe(`${usher.url}/help/streaming/uk`);
      expect(await page.locator("html").getAttribute("lang")).toBe("uk");
      await page.fill("#q", "помилка 3012");
      await page.locator("#q-live a").first().click();
      await page.locator("h1").getByText("Помилка 3012").waitFor();
      await noHorizontalScroll(page);
      await shot(page, "article-uk-phone");
      await page.getByRole("link", { name: "English" }).click();
      await page.locator("h1").getByText("Error 3012").waitFor();
    } finally {
      await uk.close();
    }
  });
});
