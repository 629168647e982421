import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { seriousA11yViolations } from "./browser";

/** What the agent-workspace tests share: signing in to the demo, axe in a readable form, the phone check, screenshots. */
export const DEMO_PASSWORD = "usher-demo-password";

export async function signInToWorkspace(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel("E-mail").fill(email);
  await page.locator("input[name=password]").fill(password);
  await page.keyboard.press("Enter");
  await page.getByTestId("inbox").waitFor();
}

/** The serious and critical axe-core violations, short enough to read in a failure. */
export async function axe(page: Page) {
  return (await seriousA11yViolations(page)).map((v) => ({
    id: v.id,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${(n as { failureSummary?: string }).failureSummary ?? ""}`.slice(0, 300)),
  }));
}

export async function noHorizontalScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scroll, "the page scrolls sideways").toBeLessThanOrEqual(client);
}

/** Saves a screenshot into USHER_SCREENSHOTS (npm run screenshots:web), or does nothing. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.USHER_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
