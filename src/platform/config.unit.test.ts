import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const load = (env: Record<string, string>) => loadConfig(env, {}, { defaultFile: false });

describe("configuration", () => {
  it("has defaults that run the embedded database on localhost", () => {
    const config = load({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config).toMatchObject({ dataDir: "./data", host: "127.0.0.1", port: 3000, publicUrl: "http://127.0.0.1:3000" });
  });

  it("favours a small heap on the embedded database and speed on PostgreSQL, unless told", () => {
    expect(load({}).memory).toBe("small");
    expect(load({ DATABASE_URL: "postgres://db.example/usher" }).memory).toBe("fast");
    expect(load({ DATABASE_URL: "postgres://db.example/usher", USHER_MEMORY: "small" }).memory).toBe("small");
    expect(load({ USHER_MEMORY: "fast" }).memory).toBe("fast");
    expect(() => load({ USHER_MEMORY: "tiny" })).toThrow(/USHER_MEMORY \(memory\)/);
  });

  it("reports every mistake at once, naming the variable", () => {
    let error: unknown;
    try {
      load({ PORT: "eighty", DATABASE_URL: "mysql://x", USHER_LOG_LEVEL: "loud", USHER_PUBLIC_URL: "ftp://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith("PORT"))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith("DATABASE_URL"))).toContain("postgres://");
    expect((error as Error).message).toMatch(/4 mistakes/);
  });

  it("reads a JSON file, with the environment winning, and rejects unknown keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "usher-config-"));
    const file = join(dir, "usher.json");
    writeFileSync(file, JSON.stringify({ port: 4000, host: "0.0.0.0", publicUrl: "https://help.lumen.example/" }));
    expect(load({ USHER_CONFIG: file, PORT: "5000" })).toMatchObject({
      port: 5000,
      host: "0.0.0.0",
      publicUrl: "https://help.lumen.example",
    });
    writeFileSync(file, JSON.stringify({ prot: 4000 }));
    expect(() => load({ USHER_CONFIG: file })).toThrow(/unknown setting\(s\) prot/);
    writeFileSync(file, "{ not json");
    expect(() => load({ USHER_CONFIG: file })).toThrow(ConfigError);
  });
});
