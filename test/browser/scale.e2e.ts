// The Operations page's API traffic card (scale and performance): partner requests made with the
// demo API key, including throttled ones, show up in the last hour's counts and percentiles.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

export async function scaleScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, partner, admin } = createHarness(options);
  // Some partner traffic for the card to show.
  for (let i = 0; i < 5; i++) await partner("/v1/branches");

  for (const width of ["desktop", "phone"] as const) {
    console.error(`[browser] scale at ${WIDTHS[width].width} px`);
    const { context, page } = await session(WIDTHS[width]);
    await step(`operations: API traffic of the last hour (${width})`, async () => {
      await signIn(page, admin.email, admin.password);
      await page.goto("/ops");
      await settled(page);
      const traffic = page.getByTestId("api-traffic");
      for (const label of ["Requests", "p50 / p95", "p99", "Error rate", "Throttled"]) await traffic.getByText(label, { exact: true }).waitFor();
      const requests = Number((await traffic.locator(".stat").nth(0).locator(".stat-value").innerText()).replace(/[^\d]/g, ""));
      assert.ok(requests >= 5, `the partner's requests are counted (saw ${requests})`);
      assert.match(await traffic.locator(".stat").nth(2).locator(".stat-value").innerText(), /^(≤ [\d,.\s\u202f]+ ms|> 5 s)$/);
      if (width === "desktop") await page.getByRole("table", { name: "Routes" }).getByText("GET /v1/branches").first().waitFor();
      await cleanText(page);
      await shoot(page, "ops-traffic", width);
    });
    // Billing runs (issue 13): an admin bills a branch's agreements for this month and watches it finish.
    if (width === "desktop") {
      await step("operations: start a billing run and follow it to done (desktop)", async () => {
        const form = page.getByRole("form", { name: "Start a billing run" });
        await form.getByRole("button", { name: "Start billing run" }).click();
        const flash = await form.getByRole("status").innerText();
        const runId = /brun_[0-9a-z]{26}/.exec(flash)?.[0];
        assert.ok(runId, `the form names the queued run (saw "${flash}")`);
        await page.getByTestId(`run-status-${runId}`).getByText("done", { exact: true }).waitFor({ timeout: 60_000 });
        const run = await partner<any>(`/v1/billing-runs/${runId}`);
        assert.equal(run.status, "done");
        assert.ok(run.issued > 0, `the demo branch's agreements were billed (issued ${run.issued})`);
        assert.equal(run.issued + run.failed, run.planned);
        // A second run for the same branch and month is refused, and the form says why.
        await form.getByRole("button", { name: "Start billing run" }).click();
        await form.getByRole("alert").getByText(/already has billing run/).waitFor();
        await cleanText(page);
        await shoot(page, "ops-billing-runs", width);
      });
    }
    await context.close();
  }
  return counts;
}
