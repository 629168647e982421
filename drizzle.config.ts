import { defineConfig } from "drizzle-kit";

// Migrations are generated here and run by the app (src/platform/migrate.ts),
// not by `drizzle-kit migrate`, which cannot load PGlite's extensions.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema.ts",
  out: "./migrations",
});
