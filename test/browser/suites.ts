// Every browser suite, run in this order against one wrangler dev by test/browser/run.ts. A
// capability's dashboard page adds its suite here (one file per page: test/browser/<topic>.e2e.ts).
import { analyticsScenarios } from "./analytics.e2e.ts";
import { complianceScenarios } from "./compliance.e2e.ts"; // e-invoicing (issue 9)
import { auditScenarios } from "./audit.e2e.ts"; // audit and records (issue 10)
import { dashboardScenarios } from "./dashboard.e2e.ts";
import { dunningScenarios } from "./dunning.e2e.ts";
import { forecastScenarios } from "./forecast.e2e.ts";
import { integrationsScenarios } from "./integrations.e2e.ts";
import { invoiceWorkScenarios } from "./invoice-work.e2e.ts";
import { scaleScenarios } from "./scale.e2e.ts";
import type { Suite } from "./harness.ts";

export const suites: { name: string; run: Suite }[] = [
  { name: "dashboard", run: dashboardScenarios },
  { name: "invoice-work", run: invoiceWorkScenarios },
  { name: "analytics", run: analyticsScenarios },
  { name: "forecast", run: forecastScenarios },
  { name: "integrations", run: integrationsScenarios },
  { name: "scale", run: scaleScenarios },
  { name: "dunning", run: dunningScenarios },
  { name: "compliance", run: complianceScenarios }, // e-invoicing (issue 9)
  { name: "audit", run: auditScenarios }, // audit and records (issue 10)
];
