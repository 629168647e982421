import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { webAppRoutes } from "./webapp";

const root = mkdtempSync(join(tmpdir(), "usher-web-"));
mkdirSync(join(root, "assets"));
writeFileSync(join(root, "index.html"), "<!doctype html><div id=root></div>");
writeFileSync(join(root, "assets", "index-abc123.js"), "console.log(1)");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the agent workspace's web server", () => {
  it("serves the app for client routes, never for /api, /help or /portal", async () => {
    const server = Fastify();
    await server.register(webAppRoutes, { root });
    server.get("/help", async () => "help center");
    for (const url of ["/", "/sign-in", "/inbox", "/views/my_open", "/views/01234567-89ab-7def-8123-456789abcdef", "/tickets/42", "/admin", "/admin/calendars"]) {
      const res = await server.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain("<div id=root>");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.headers["content-security-policy"]).toContain("connect-src 'self' ws://localhost:80 wss://localhost:80");
    }
    const asset = await server.inject({ url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    for (const url of ["/api/v1/nope", "/portal/x/y", "/help/box-office/en/nope", "/metrics.txt", "/assets/missing.js"]) {
      const res = await server.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain("<div id=root>");
    }
    expect((await server.inject({ url: "/help" })).body).toBe("help center");
    await server.close();
  });

  it("says how to build the app when it is not built", async () => {
    const server = Fastify();
    await server.register(webAppRoutes, { root: join(root, "missing") });
    const res = await server.inject({ url: "/" });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("npm run build:web");
    await server.close();
  });
});
