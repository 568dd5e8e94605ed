// The Integrations page against the fake Xero, QBO and NetSuite that test/browser/run.ts starts:
// an admin connects Xero through the real consent redirect and callback, sees the live status,
// adds a mapping; the demo connection npm start makes (scripts/demo-erp.ts) shows its mapping
// error with the fix and its conflict for review; alert settings are validated at the field and
// an alert opened by the per-minute check is shown; a viewer sees all of it read-only at 390 px;
// QBO (consent, callback) and NetSuite (client credentials) are connected from the page.
import assert from "node:assert/strict";
import { connectDemoErp } from "../../scripts/demo-erp.ts";
import { fireCron } from "../../scripts/local-crons.ts";
import { FAKE_NETSUITE_CREDENTIALS } from "../../workers/config/local-secrets.ts";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

export async function integrationsScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, admin, credentials, baseUrl } = createHarness(options);
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

  let demoConnectionId = "";
  let demoXero = "";
  await step("the demo connection (as npm start makes it) shows a mapping error with its fix and a conflict waiting for review", async () => {
    // The same step npm start runs after its banner, with a small backlog; it replaces the connection above.
    const demo = await connectDemoErp({ baseUrl, credentials, stampFile: null, invoices: 10 });
    demoConnectionId = demo.connectionId;
    demoXero = demo.xeroBaseUrl;
    // connectDemoErp returns once the invoices are issued; the unmapped one fails at its first sync
    // attempt, which the connector reaches in its own time (the page shows what is there on load).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await apiCall<{ states: Record<string, number> }>(page, "GET", `/v1/integrations/${demo.connectionId}/status`);
      if ((s.body.states?.failed ?? 0) >= 1) break;
      assert.ok(Date.now() < deadline, `the unmapped demo invoice has not failed its sync after 120 s (states ${JSON.stringify(s.body.states)})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.goto("/integrations");
    await page.getByText("Xero · Demo Org (fake Xero)").waitFor();
    await settled(page);
    await page.getByTestId("integration-status").getByText("Connected").waitFor();
    await page.getByText("Tax rate ES reduced 10% has no Xero tax code: map it under Integrations → Tax, then retry.").first().waitFor();
    const conflict = page.getByRole("region", { name: "Conflict on Status" });
    await conflict.waitFor();
    // Three-way: synced open, voided in Xero, still open (part-paid) here.
    await conflict.getByRole("cell", { name: "VOIDED" }).waitFor();
    const status = await apiCall<{ states: Record<string, number> }>(page, "GET", `/v1/integrations/${demo.connectionId}/status`);
    assert.equal(status.body.states.conflict, 1, "one conflict");
    assert.equal(status.body.states.failed, 1, "one mapping error");
    await cleanText(page);
    await shoot(page, "integrations-demo", "desktop");
  });

  await step("an admin sets alerting: bad values are refused at their field, then an open alert from the per-minute check is shown", async () => {
    const form = page.getByRole("form", { name: "Alert settings" });
    await form.getByLabel("Alert webhook URL").fill("http://hooks.example.com/ledgerline");
    await form.getByRole("button", { name: "Save alert settings" }).click();
    await form.locator(".field-invalid").getByText("the alert webhook must be an https:// URL").waitFor();
    await form.getByLabel("Alert webhook URL").fill("");
    await form.getByLabel("Lag threshold (seconds)").fill("30");
    await form.getByRole("button", { name: "Save alert settings" }).click();
    await form.locator(".field-invalid").getByLabel("Lag threshold (seconds)").waitFor();
    await form.getByLabel("Alert email").fill("ops@brightnest.example");
    await form.getByLabel("Lag threshold (seconds)").fill("900");
    await form.getByLabel("Failed records threshold").fill("0");
    await form.getByRole("button", { name: "Save alert settings" }).click();
    await form.getByText("Alert settings saved.").waitFor();
    // The per-minute cron (the local ticker's job under npm start) measures and opens the alert.
    const fired = await fireCron(baseUrl, "* * * * *", new Date());
    assert.ok(fired.ok, `the per-minute cron ran (${fired.detail})`);
    await page.reload();
    const open = page.getByRole("list", { name: "Open alerts" });
    await open.waitFor();
    await open.getByText("Failed", { exact: true }).waitFor();
    await open.getByText(/email: /).waitFor();
    await cleanText(page);
  });

  await step("an admin chooses who wins contact edits; a contact then edited in Xero waits for review as a contact conflict", async () => {
    const form = page.getByRole("form", { name: "Contact edits" });
    const owner = form.getByLabel("When a contact is edited in Xero");
    assert.equal(await owner.inputValue(), "review", "review is the default");
    await owner.selectOption("erp");
    await form.getByRole("button", { name: "Save", exact: true }).click();
    await form.getByText("Saved.").waitFor();
    await page.reload();
    assert.equal(await page.getByRole("form", { name: "Contact edits" }).getByLabel("When a contact is edited in Xero").inputValue(), "erp", "kept after a reload");
    await page.getByRole("form", { name: "Contact edits" }).getByLabel("When a contact is edited in Xero").selectOption("review");
    await page.getByRole("form", { name: "Contact edits" }).getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("form", { name: "Contact edits" }).getByText("Saved.").waitFor();
    // A bookkeeper renames one of the demo's contacts inside Xero; Xero's webhook tells us.
    const records = await apiCall<{ data: Array<{ entityType: string; remoteId: string | null }> }>(page, "GET", `/v1/integrations/${demoConnectionId}/records?limit=200`);
    const contact = records.body.data.find((r) => r.entityType === "customer" && r.remoteId);
    assert.ok(contact?.remoteId, "the demo's contacts have records with their Xero ids");
    const control = (path: string, body: unknown) => fetch(`${demoXero}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal((await control("/_fake/edit-contact", { ContactID: contact.remoteId, changes: { Name: "Renamed in Xero SL" } })).status, 200);
    assert.equal((await control("/_fake/webhook", { url: `${baseUrl}/webhooks/xero`, events: [{ resourceId: contact.remoteId, eventCategory: "CONTACT", eventType: "UPDATE" }] })).status, 200);
    const region = page.getByRole("region", { name: "Conflict on Contact" });
    for (let i = 0; i < 30 && (await region.count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
      await settled(page);
    }
    await region.getByRole("cell", { name: "Renamed in Xero SL" }).waitFor();
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
      // Alerts read-only: where they go and the open one, no form.
      await phone.page.getByRole("list", { name: "Open alerts" }).waitFor();
      await phone.page.getByText("ops@brightnest.example").waitFor();
      assert.equal(await phone.page.getByRole("button", { name: "Save alert settings" }).count(), 0);
      assert.equal(await phone.page.getByRole("button", { name: "Resolve" }).count(), 0);
      // The contact owner is read, not edited.
      await phone.page.getByText("An administrator can change this.").waitFor();
      assert.equal(await phone.page.getByRole("form", { name: "Contact edits" }).count(), 0);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `no horizontal scroll at 390 px (${overflow} px)`);
      await cleanText(phone.page);
      await shoot(phone.page, "integrations", "phone");
    });
    await phone.context.close();
  }

  const desk = await session(WIDTHS.desktop);
  await step("an admin connects QuickBooks Online from the page (consent at the fake, callback, status shows QBO)", async () => {
    await signIn(desk.page, admin.email, admin.password);
    await disconnectAll(desk.page);
    await desk.page.goto("/integrations");
    await desk.page.getByRole("button", { name: "Connect QuickBooks Online" }).click();
    await desk.page.waitForURL(/\/integrations\?connected=erc_/);
    await desk.page.getByText(/^QuickBooks Online · /).waitFor();
    await settled(desk.page);
    await desk.page.getByTestId("integration-status").getByText("Connected").waitFor();
    await desk.page.getByText("QuickBooks Online calls").waitFor();
    await cleanText(desk.page);
  });

  await step("an admin connects NetSuite from the page with client credentials (status shows NetSuite)", async () => {
    await disconnectAll(desk.page);
    await desk.page.goto("/integrations");
    const form = desk.page.getByRole("form", { name: "Connect NetSuite" });
    await form.getByLabel("Account id").fill(FAKE_NETSUITE_CREDENTIALS.accountId);
    await form.getByLabel("Client id").fill(FAKE_NETSUITE_CREDENTIALS.clientId);
    await form.getByLabel("Certificate id").fill(FAKE_NETSUITE_CREDENTIALS.certificateId);
    await form.getByRole("button", { name: "Connect NetSuite" }).click();
    await desk.page.getByText(`NetSuite · NetSuite ${FAKE_NETSUITE_CREDENTIALS.accountId}`).waitFor();
    await settled(desk.page);
    await desk.page.getByTestId("integration-status").getByText("Connected").waitFor();
    await cleanText(desk.page);
    await shoot(desk.page, "integrations-netsuite", "desktop");
  });

  const netsuite = options.fakes?.NETSUITE_BASE_URL;
  if (netsuite) {
    await step("NetSuite later refusing our credentials (401 invalid_client) shows Reconnect required with what to do; reconnecting from the page clears it", async () => {
      const control = (path: string, body: unknown = {}) => fetch(`${netsuite}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const [integration] = (await apiCall<{ data: Array<{ id: string; status: string }> }>(desk.page, "GET", "/v1/integrations")).body.data.filter((i) => i.status === "connected");
      assert.ok(integration, "the NetSuite connection");
      await control("/_fake/revoke");
      // Any invoice issued now goes to NetSuite, whose token endpoint now refuses the assertion.
      const branch = (await apiCall<{ data: Array<{ id: string; code: string; currency: string }> }>(desk.page, "GET", "/v1/branches?limit=50")).body.data.find((b) => b.code === "MAD1")!;
      const customer = (await apiCall<{ data: Array<{ id: string }> }>(desk.page, "GET", "/v1/customers?limit=1")).body.data[0]!;
      const draft = await apiCall<{ id: string }>(desk.page, "POST", "/v1/invoices", { customerId: customer.id, branchId: branch.id, currency: branch.currency, lines: [{ description: "Sent after the integration was disabled", quantity: 1, unitPrice: 3000 }] });
      assert.equal((await apiCall(desk.page, "POST", `/v1/invoices/${draft.body.id}/issue`)).status, 200);
      const started = Date.now();
      for (;;) {
        const got = await apiCall<{ status: string }>(desk.page, "GET", `/v1/integrations/${integration.id}`);
        if (got.body.status === "reconnect_required") break;
        assert.ok(Date.now() - started < 90_000, `the connection flips to reconnect_required (still ${got.body.status})`);
        await desk.page.waitForTimeout(1000);
      }
      await desk.page.goto("/integrations");
      const card = desk.page.getByRole("region", { name: "Reconnect required" }).or(desk.page.locator(".card-bad")).first();
      await card.getByText("NetSuite refused Ledgerline's credentials.").waitFor();
      await card.getByText(/Manage Integrations\), then reconnect under Integrations/).waitFor();
      await settled(desk.page);
      await cleanText(desk.page);
      await shoot(desk.page, "integrations-reconnect", "desktop");
      // Re-enabled in NetSuite; the admin reconnects the same connection from the card.
      await control("/_fake/certificate");
      const form = card.getByRole("form", { name: "Connect NetSuite" });
      await form.getByLabel("Account id").fill(FAKE_NETSUITE_CREDENTIALS.accountId);
      await form.getByLabel("Client id").fill(FAKE_NETSUITE_CREDENTIALS.clientId);
      await form.getByLabel("Certificate id").fill(FAKE_NETSUITE_CREDENTIALS.certificateId);
      await form.getByRole("button", { name: "Reconnect NetSuite" }).click();
      await desk.page.locator(".card-bad").waitFor({ state: "detached" });
      await desk.page.getByTestId("integration-status").getByText("Connected").waitFor();
      assert.equal((await apiCall<{ id: string; status: string }>(desk.page, "GET", `/v1/integrations/${integration.id}`)).body.status, "connected");
    });
  }
  await desk.context.close();
  return counts;

  async function disconnectAll(p: typeof page) {
    const existing = await apiCall<{ data: Array<{ id: string; status: string }> }>(p, "GET", "/v1/integrations");
    for (const i of existing.body.data.filter((x) => x.status !== "disconnected")) await apiCall(p, "POST", `/v1/integrations/${i.id}/disconnect`, {});
  }
}

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
