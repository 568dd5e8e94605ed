// Every browser suite, run in this order against one wrangler dev by test/browser/run.ts. A
// capability's dashboard page adds its suite here (one file per page: test/browser/<topic>.e2e.ts).
import { dashboardScenarios } from "./dashboard.e2e.ts";
import type { Suite } from "./harness.ts";
import { analyticsScenarios } from "./analytics.e2e.ts";

export const suites: { name: string; run: Suite }[] = [
  { name: "dashboard", run: dashboardScenarios },
  { name: "analytics", run: analyticsScenarios },
];
