import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startAllFakes } from "./scripts/fakes/registry.ts";

// Two projects: "worker" runs inside workerd against real local D1, R2, Queues and Durable
// Objects (each test file gets isolated storage); "node" runs pure-domain property tests and
// tooling (seed generator, CLIs) on Node 22.
const migrations = await readD1Migrations("./migrations");
// Every local fake provider (scripts/fakes/registry.ts) on a free port for the whole run; the
// Worker under test reaches them through the same variables `npm start` sets.
const fakes = await startAllFakes();

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // XERO_MINUTE_MS / QBO_MINUTE_MS: the ERP rate budgets' "minute" is 1 s in tests (the fakes are told the same).
            // FUZZ_SEED / FUZZ_RUNS reach the fuzz suite inside workerd as bindings ("" = defaults).
            // PUBLIC_BASE_URL: an unresolvable origin (RFC 6761 .invalid), so the fakes' status
            // callbacks never reach whatever listens on 8787; the tests replay them with SELF.fetch.
            miniflare: { bindings: { ...fakes.vars, TEST_MIGRATIONS: migrations, LOG_LEVEL: "error", PUBLIC_BASE_URL: "http://ledgerline.invalid", XERO_MINUTE_MS: "1000", QBO_MINUTE_MS: "1000", FUZZ_SEED: process.env.FUZZ_SEED ?? "", FUZZ_RUNS: process.env.FUZZ_RUNS ?? "", DUNNING_SIM_CUSTOMERS: process.env.DUNNING_SIM_CUSTOMERS ?? "", PLATFORM_OPERATOR_FRANCHISE_ID: "fr_000000000000000000000000aa" } },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
