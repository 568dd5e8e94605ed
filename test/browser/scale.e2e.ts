// The Operations page's API traffic card (scale and performance): partner requests made with the
// demo API key, including throttled ones, show up in the last hour's counts and percentiles; and
// the Queues card lists every queue, with the billing run's events processed on domain-events.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

const QUEUES = ["domain-events", "reminders", "erp-sync", "invoice-batches", "bi-export", "model-training", "aeat-submission"];

export async function scaleScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, partner, admin, apiCall } = createHarness(options);
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
      // Changed on purpose (session 9): percentiles are interpolated estimates now, shown without "≤".
      assert.match(await traffic.locator(".stat").nth(2).locator(".stat-value").innerText(), /^[\d,.\s\u202f]+ m?s$/);
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
    // Runs after the desktop billing run, whose issued invoices' events went through domain-events.
    await step(`operations: the Queues card lists every queue after traffic (${width})`, async () => {
      let processed = 0;
      // The queues are the whole platform's: the operator's admin (signed in here) sees them, a partner key does not.
      assert.deepEqual(Object.keys((await partner<any>("/v1/ops/metrics")).queues), ["domainEvents"]);
      for (const until = Date.now() + 60_000; processed === 0 && Date.now() < until; ) {
        processed = (await apiCall<any>(page, "GET", "/v1/ops/metrics")).body.queues["domain-events"].processedLastHour;
        if (processed === 0) await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(processed > 0, "the billing run's domain events were consumed and counted");
      await page.getByRole("button", { name: "Refresh", exact: true }).click();
      await settled(page);
      const card = page.getByTestId("queues");
      for (const q of QUEUES) await card.getByText(q, { exact: true }).waitFor();
      const row = card.getByRole("row").filter({ hasText: "domain-events" });
      // 390 px: the processed column steps aside and its count shows under the queue's name.
      const shown = width === "desktop" ? await row.locator("td").nth(5).innerText() : (/([\d,.\u202f]+) processed/.exec(await row.innerText())?.[1] ?? "");
      assert.ok(Number(shown.replace(/[^\d]/g, "")) > 0, `domain-events shows its processed messages (saw "${shown}")`);
      // 390 px keeps queue, backlog and oldest as columns; dead letters go on the line under the name.
      for (const label of width === "desktop" ? ["Backlog", "Oldest", "Dead letters"] : ["Backlog", "Oldest"]) await card.getByRole("columnheader", { name: new RegExp(label) }).waitFor();
      if (width === "phone") assert.match(await row.innerText(), /\d+ dead/);
      await cleanText(page);
      await shoot(page, "ops-queues", width);
    });
    await context.close();
  }
  return counts;
}
