// Analytics pages: the Overview's KPIs (with their change), billed-vs-collected chart and aging
// (GET /v1/receivables/aging), and the Revenue page (recognized vs billed vs deferred,
// profitability, the sortable branch comparison and its formula-safe CSV export), at desktop and
// phone widths and as a branch manager.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fireCron } from "../../scripts/local-crons.ts";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

export async function analyticsScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, problems, session, step, signIn, settled, cleanText, shoot, apiCall, admin } = createHarness(options);
  // The per-minute cron builds any missing rollups (npm start fires it once at start-up too).
  const cron = await fireCron(options.baseUrl, "* * * * *", new Date());
  assert.ok(cron.ok, `rollups built by the cron: ${cron.detail}`);

  for (const width of ["desktop", "phone"] as const) {
    const { context, page } = await session(WIDTHS[width]);
    await step(`${width}: overview KPIs per currency with their change, and billed vs collected`, async () => {
      await signIn(page, admin.email, admin.password);
      await page.goto("/");
      await page.locator(".analytics-kpis").first().waitFor();
      await settled(page);
      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
      const api = await apiCall<{ data: Array<{ currency: string }> }>(page, "GET", `/v1/analytics/overview?from=${from}&to=${to}`);
      assert.equal(api.status, 200);
      assert.equal(await page.locator(".analytics-kpis").count(), api.body.data.length, "one KPI row per currency");
      for (const row of api.body.data) await page.getByText(`Billed · ${row.currency}`).first().waitFor();
      assert.match((await page.locator(".analytics-kpis").first().textContent()) ?? "", /vs previous 30 days/);
      assert.ok((await page.locator(".chart svg").count()) >= 2, "billed-vs-collected and aging charts rendered");
      // The aging is GET /v1/receivables/aging's: one overdue stat per currency with something overdue, its largest overdue customers.
      const aging = await apiCall<{ currencies: Array<{ currency: string; overdue: { amount: number; count: number } }>; topOverdueCustomers: Array<{ customerName: string }> }>(page, "GET", "/v1/receivables/aging?top=8");
      assert.equal(aging.status, 200);
      const overdue = aging.body.currencies.filter((c) => c.overdue.amount > 0);
      assert.ok(overdue.length > 0, "the demo data has overdue receivables");
      for (const c of overdue) {
        const stat = page.locator(".stat", { hasText: `Overdue · ${c.currency}` });
        assert.equal(await stat.count(), 1, `one overdue stat for ${c.currency}`);
        assert.match((await stat.textContent()) ?? "", new RegExp(`${c.overdue.count.toLocaleString("en-GB")} invoices`));
      }
      const largest = page.getByRole("table", { name: "Largest overdue balances" });
      assert.equal(await largest.locator("tbody tr").count(), aging.body.topOverdueCustomers.length, "one row per top overdue customer");
      await largest.getByText(aging.body.topOverdueCustomers[0]!.customerName).first().waitFor();
      await cleanText(page);
      await shoot(page, "overview-analytics", width);
    });

    await step(`${width}: revenue page, sortable branch comparison, formula-safe CSV`, async () => {
      await page.goto("/revenue");
      await page.getByRole("heading", { name: "Revenue", level: 1 }).waitFor();
      await page.getByRole("table", { name: "Branch comparison" }).locator("tbody tr").first().waitFor();
      await settled(page);
      assert.ok((await page.locator(".chart svg").count()) >= 2, "revenue and branch charts rendered");
      assert.ok((await page.getByRole("table", { name: "Profitability by service type" }).locator("tbody tr").count()) >= 1, "profitability rows");
      const table = page.getByRole("table", { name: "Branch comparison" });
      await table.getByRole("button", { name: "Revenue" }).click();
      await page.waitForURL(/bsort=revenue/);
      assert.equal(await table.locator('th[aria-sort="ascending"], th[aria-sort="descending"]').count(), 1, "the sorted column says so");
      if (width === "desktop") {
        const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
        const csv = readFileSync((await download.path())!, "utf8");
        const lines = csv.split(/\r?\n/).filter(Boolean);
        assert.equal(lines[0], "rank,code,branch,currency,revenue,revenue_previous,growth_pct,dso,cei,overdue_pct,avg_days_late,dispute_rate");
        assert.equal(lines.length - 1, await table.locator("tbody tr").count(), "one CSV row per branch");
        for (const line of lines) assert.doesNotMatch(line, /(^|,)[=+@]/, "no cell starts a formula");
      }
      await cleanText(page);
      await shoot(page, "revenue", width);
    });
    await context.close();
  }

  const manager = (options.credentials.staff ?? []).find((s) => s.role === "branch_manager");
  if (manager) {
    const { context, page } = await session(WIDTHS.desktop);
    await step("branch manager: the comparison lists only their branches", async () => {
      await signIn(page, manager.email, manager.password);
      await page.goto("/revenue");
      await page.getByRole("table", { name: "Branch comparison" }).locator("tbody tr").first().waitFor();
      await settled(page);
      const rows = await page.getByRole("table", { name: "Branch comparison" }).locator("tbody tr").count();
      assert.equal(rows, manager.branchIds?.length ?? 0);
      await cleanText(page);
    });
    await context.close();
  }
  assert.equal(problems.length, 0, problems.join("\n"));
  return counts;
}
