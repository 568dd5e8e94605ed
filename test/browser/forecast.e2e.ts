// The Forecast page: cash flow with 80/95 % bands over actuals, accuracy next to the baselines
// after a retrain (through the model-training queue of the running worker), the risk list with
// scores, trend and factors; at desktop and phone widths, for the admin and a viewer.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

interface RiskList {
  data: { customerId: string; pLate: number | null; topFactors: unknown[] }[];
}

export async function forecastScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { credentials } = options;
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, admin } = createHarness(options);

  const { context, page } = await session(WIDTHS.desktop);
  await step("forecast: cash-flow chart with bands, horizon switch round-trips through the URL", async () => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/forecast");
    await page.getByRole("heading", { name: "Forecast", level: 1 }).waitFor();
    await settled(page);
    await page.getByText(/Cash flow, next 13 weeks/).waitFor();
    assert.ok((await page.locator(".chart svg, .chart canvas").count()) >= 1, "the chart rendered");
    await page.getByLabel("Horizon").selectOption("months");
    await page.waitForURL(/view=months/);
    await page.reload();
    await settled(page);
    await page.getByText(/Cash flow, next 12 months/).waitFor();
    assert.equal(await page.getByLabel("Horizon").inputValue(), "months");
    await cleanText(page);
    await shoot(page, "forecast-months", "desktop");
  });

  await step("forecast: retrain fills accuracy next to the baselines and the risk list", async () => {
    await page.goto("/forecast");
    await settled(page);
    await page.getByRole("button", { name: "Retrain models" }).click();
    await page.getByRole("status").filter({ hasText: "Retraining queued" }).waitFor();
    const deadline = Date.now() + 120_000;
    let scored: RiskList = { data: [] };
    while (Date.now() < deadline) {
      scored = (await apiCall<RiskList>(page, "GET", "/v1/analytics/forecast/risk?limit=5")).body;
      if (scored.data.length > 0) break;
      await page.waitForTimeout(2000);
    }
    assert.ok(scored.data.length > 0, "the model-training job scored customers");
    await page.reload();
    await settled(page);
    await page.getByRole("cell", { name: "Seasonal naive" }).waitFor();
    // When the models were trained, and why (the retrain button: on request).
    assert.match(await page.getByTestId("models-trained").innerText(), /Models trained .+ on request/);
    await page.getByRole("cell", { name: /Combination/ }).waitFor();
    await page.getByRole("columnheader", { name: "Own past late rate" }).waitFor();
    const rows = page.getByRole("table", { name: "Customers by late-payment risk" }).locator("tbody tr");
    assert.ok((await rows.count()) > 0, "risk rows");
    assert.match(await rows.first().innerText(), /\d+ %/);
    await cleanText(page);
    await shoot(page, "forecast", "desktop");
  });
  await context.close();

  const phone = await session(WIDTHS.phone);
  await step("forecast at 390 px: readable, nothing wider than the screen", async () => {
    await signIn(phone.page, admin.email, admin.password);
    await phone.page.goto("/forecast");
    await settled(phone.page);
    await phone.page.getByText(/Cash flow, next 13 weeks/).waitFor();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scroll (${overflow}px)`);
    await cleanText(phone.page);
    await shoot(phone.page, "forecast", "phone");
  });
  await phone.context.close();

  const viewer = credentials.staff?.find((s) => s.role === "viewer");
  if (viewer) {
    const v = await session(WIDTHS.desktop);
    await step("forecast as a viewer: everything to read, no retrain button", async () => {
      await signIn(v.page, viewer.email, viewer.password);
      await v.page.goto("/forecast");
      await settled(v.page);
      await v.page.getByText(/Cash flow/).first().waitFor();
      assert.equal(await v.page.getByRole("button", { name: "Retrain models" }).count(), 0);
      await cleanText(v.page);
    });
    await v.context.close();
  }
  return counts;
}

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
