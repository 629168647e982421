import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { type RunningUsher, startUsher } from "./usher";

let usher: RunningUsher;
let browser: Browser;

beforeAll(async () => {
  usher = await startUsher();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await usher?.close();
});

describe("the end-to-end harness", () => {
  it("drives Debian's Chromium against a real Usher server", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${usher.url}/healthz`);
    expect(response?.status()).toBe(200);
    expect(JSON.parse(await page.innerText("body"))).toMatchObject({ status: "ok" });
  });
});
