// The staff dashboard: a React SPA built to dashboard/dist, which wrangler.toml serves as the
// Worker's static assets. public/ (the offline Swagger UI under /docs) is copied into dist as-is.
// `npm run dev:dashboard` serves it with hot reload and proxies the API to a local Worker.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.LEDGERLINE_API ?? "http://127.0.0.1:8787";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  publicDir: "public",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(["/v1", "/auth", "/health", "/openapi.json"].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
