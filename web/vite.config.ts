import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The agent workspace: built into web/dist and served by Usher's own process (src/webapp.ts). */
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The vendor chunk (React, Mantine, TanStack Query) is ~540 kB minified, ~165 kB gzipped.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // React and Mantine change rarely: their own long-cached chunk.
        manualChunks: (id: string) => (/node_modules\/(react|react-dom|scheduler|@mantine)\//.test(id) ? "vendor" : undefined),
      },
    },
  },
  server: { proxy: { "/api": { target: "http://127.0.0.1:3000", ws: true } } },
});
