import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core — never a downloaded browser.
 * Playwright refuses --user-data-dir in args, so each run gets a fresh
 * persistent context folder instead.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  newPage(options?: { width?: number; height?: number; locale?: string; timezoneId?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `bypassCSP` lets axe-core's injected script run on pages whose
 * Content-Security-Policy forbids inline script (the help center's does).
 */
export async function launchBrowser(options: { locale?: string; timezoneId?: string; bypassCSP?: boolean } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), "usher-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale: options.locale ?? "en-GB",
    timezoneId: options.timezoneId ?? "Europe/London",
    viewport: { width: 1280, height: 800 },
    bypassCSP: options.bypassCSP ?? false,
  });
  return {
    context,
    async newPage(size = {}) {
      const page = await context.newPage();
      if (size.width || size.height) await page.setViewportSize({ width: size.width ?? 1280, height: size.height ?? 800 });
      return page;
    },
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A phone: 375 × 812 CSS pixels (iPhone X class). */
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

const require = createRequire(import.meta.url);

export interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns the critical and serious violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document);
  })) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === "critical" || v.impact === "serious");
}
