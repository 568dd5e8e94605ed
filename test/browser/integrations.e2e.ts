// The Integrations page against the fake Xero that test/browser/run.ts starts: an admin connects
// Xero through the real consent redirect and callback, sees the live status, adds a mapping; a
// viewer sees the status but no controls; the page works at 390 px.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

export async function integrationsScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, admin, credentials } = createHarness(options);
  const { context, page } = await session(WIDTHS.desktop);

  await step("an admin connects Xero from the Integrations page (consent, callback, back on the page)", async () => {
    await signIn(page, admin.email, admin.password);
    // A connection kept from an earlier run points at an earlier fake: start from scratch.
    const existing = await apiCall<{ data: Array<{ id: string; status: string }> }>(page, "GET", "/v1/integrations");
    for (const i of existing.body.data.filter((x) => x.status !== "disconnected")) await apiCall(page, "POST", `/v1/integrations/${i.id}/disconnect`, {});
    await page.goto("/integrations");
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    await page.getByRole("button", { name: "Connect Xero" }).click();
    await page.waitForURL(/\/integrations\?connected=erc_/);
    await page.getByText("Xero · Demo Org (fake Xero)").waitFor();
    await settled(page);
    await page.getByTestId("integration-status").getByText("Connected").waitFor();
    await cleanText(page);
    await shoot(page, "integrations", "desktop");
  });

  await step("the admin maps a tax rate and sees it listed", async () => {
    await page.getByLabel("Ledgerline key").fill("ES:standard:210000");
    await page.getByLabel("Xero code").fill("OUTPUT_ES21");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await page.getByRole("cell", { name: "OUTPUT_ES21" }).waitFor();
    await page.getByRole("button", { name: "Replay all failed" }).click();
    await page.getByRole("status").waitFor();
    await cleanText(page);
  });
  await context.close();

  const viewer = credentials.staff?.find((s) => s.role === "viewer");
  if (viewer) {
    const phone = await session(WIDTHS.phone);
    await step("a viewer sees the status at 390 px, without the admin controls", async () => {
      await signIn(phone.page, viewer.email, viewer.password);
      await phone.page.goto("/integrations");
      await phone.page.getByTestId("integration-status").waitFor();
      await settled(phone.page);
      assert.equal(await phone.page.getByRole("button", { name: "Save mapping" }).count(), 0);
      assert.equal(await phone.page.getByRole("button", { name: "Replay all failed" }).count(), 0);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `no horizontal scroll at 390 px (${overflow} px)`);
      await cleanText(phone.page);
      await shoot(phone.page, "integrations", "phone");
    });
    await phone.context.close();
  }
  return counts;
}

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
