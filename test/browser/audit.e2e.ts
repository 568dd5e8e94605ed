// The Audit page (issue 10; part two of Compliance): "Verify" checks the real audit log in the
// browser and succeeds; the same log with one entry's bytes altered on the way (the export served
// to the page is edited) fails on the root; the entry browser filters by type; the retention
// table shows the notes' policies; an admin syncs the (fake) rate feed and rejects its fictional ES
// change; the page works at 390 px.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

export async function auditScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, admin } = createHarness(options);
  const { context, page } = await session(WIDTHS.desktop);

  await step("an admin verifies the untouched audit log in the browser", async () => {
    await signIn(page, admin.email, admin.password);
    // The demo seed writes D1 directly (no events): make a few changes through the API and wait
    // for the event stream to append them to the log.
    for (const n of [1, 2, 3]) {
      const created = await apiCall(page, "POST", "/v1/customers", { name: `Audit trail ${n} ${Date.now()}`, email: `audit${n}@example.es`, segment: "smb", language: "es", timezone: "Europe/Madrid" });
      assert.equal(created.status, 201, "a customer is created");
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const entries = await apiCall<{ data: unknown[] }>(page, "GET", "/v1/audit/entries?type=customer.created&limit=3");
      if (entries.body.data.length >= 3) break;
      assert.ok(Date.now() < deadline, "the audit log receives the API's events within a minute");
      await page.waitForTimeout(1_000);
    }
    // a checkpoint of the log as it is now, so there is a signature to check
    const cp = await apiCall<{ size: number }>(page, "POST", "/v1/audit/checkpoints", {});
    assert.equal(cp.status, 200, "a checkpoint is signed");
    // part two of the Compliance page: its "Audit and records" tab (the /audit deep link is used below)
    await page.goto("/compliance");
    await page.getByRole("tab", { name: "Audit and records" }).click();
    await page.getByRole("tab", { name: "Audit and records", selected: true }).waitFor();
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.getByTestId("verify-result").getByText(/^Verified: /).waitFor();
    await settled(page);
    await cleanText(page);
    await shoot(page, "audit", "desktop");
  });

  await step("an entry altered on its way to the page fails verification, naming the altered entry's index", async () => {
    let altered = -1;
    await page.route("**/v1/audit/export", async (route) => {
      const res = await route.fetch();
      const file = (await res.json()) as { entries: { index: number; leaf: string }[] };
      const victim = file.entries[Math.floor(file.entries.length / 2)]!;
      altered = victim.index;
      const text = Buffer.from(victim.leaf, "base64").toString("utf8").replace(/"actor":"([^"]*)"/, '"actor":"staff:usr_forged"');
      victim.leaf = Buffer.from(text, "utf8").toString("base64");
      await route.fulfill({ response: res, body: JSON.stringify(file) });
    });
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.getByTestId("verify-result").getByText("Verification failed").waitFor();
    const failures = (await page.getByTestId("verify-failures").textContent()) ?? "";
    assert.ok(altered >= 0, "the export had entries to alter");
    assert.ok(failures.includes("root"), `the recomputed root no longer matches: ${failures}`);
    assert.ok(failures.includes(`entry ${altered} was edited`), `the altered entry is named by its index (${altered}): ${failures}`);
    await page.unroute("**/v1/audit/export");
    // untouched again: verifies
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.getByTestId("verify-result").getByText(/^Verified: /).waitFor();
  });

  await step("the entry browser filters by type, and the retention table shows the notes' policies", async () => {
    await page.getByLabel("Type").fill("customer.created");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByTestId("audit-entries").waitFor();
    // The unfiltered table is already on the page: wait for the filtered answer to replace it
    // (on a long log that takes longer than the click), then check what it shows.
    await page
      .waitForFunction(
        `(() => { const cells = [...document.querySelectorAll('[data-testid="audit-entries"] tbody tr td:nth-child(2)')].map((td) => td.textContent.trim()); return cells.length > 0 && cells.every((t) => t === "customer.created"); })()`,
        undefined,
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    const types = await page.getByTestId("audit-entries").locator("tbody tr td:nth-child(2)").allTextContents();
    assert.ok(types.length > 0 && types.every((t) => t === "customer.created"), `only customer.created entries: ${types.join(", ")}`);
    const policies = (await page.getByTestId("retention-policies").textContent()) ?? "";
    assert.ok(/DE\s*Invoices\s*8 years/.test(policies), `DE invoices are kept 8 years: ${policies}`);
  });

  await step("the admin syncs the rate feed and rejects its fictional ES change", async () => {
    const sync = await apiCall<{ staged: number }>(page, "POST", "/v1/tax-rates/sync", {});
    assert.equal(sync.status, 200);
    await page.reload();
    await page.getByRole("heading", { name: "Tax-rate changes" }).waitFor();
    await settled(page);
    const reject = page.getByRole("button", { name: /^Reject ES 22 %/ });
    if ((await reject.count()) > 0) {
      page.once("dialog", (d) => void d.accept("not announced by the BOE"));
      await reject.first().click();
      await page.getByRole("status").getByText("Change rejected.").waitFor();
    }
    // this month's fictional change is decided: rejected now or by an earlier run on this state
    const decided = (await page.getByTestId("tax-decided").textContent()) ?? "";
    assert.ok(/ES standard 22 %.*rejected/.test(decided), `the ES change is listed as rejected: ${decided}`);
    await cleanText(page);
  });
  await context.close();

  const phone = await session(WIDTHS.phone);
  await step("the page works at 390 px", async () => {
    await signIn(phone.page, admin.email, admin.password);
    await phone.page.goto("/audit");
    await phone.page.getByRole("heading", { name: "Audit and records" }).waitFor();
    await settled(phone.page);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scroll at 390 px (${overflow} px)`);
    await cleanText(phone.page);
    await shoot(phone.page, "audit", "phone");
  });
  await phone.context.close();
  return counts;
}

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
