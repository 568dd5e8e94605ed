import { defineConfig } from "drizzle-kit";

// schema.ts holds the billing core; each capability keeps its own tables in workers/db/schema/<topic>.ts.
export default defineConfig({ dialect: "sqlite", schema: ["./workers/db/schema.ts", "./workers/db/schema/*.ts"], out: "./migrations" });
