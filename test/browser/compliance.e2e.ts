// The Compliance page (e-invoicing part, issue 9) against wrangler dev with the demo data and the
// fake AEAT: two invoices issued in the Madrid branch through the partner API; an admin finds
// the second by number, sees its seal and verifies it in place; uploads the served document
// (valid) and a copy with one byte changed (invalid, the signature check named); sees its
// VERI*FACTU record, the chain link to the first invoice (and follows it), the QR and the AEAT
// submission accepted; the page at 390 px without horizontal scroll. No console errors.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

interface Issued {
  id: string;
  number: string;
}

export async function complianceScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, partner, admin, baseUrl, credentials } = createHarness(options);
  const post = async <T,>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${credentials.apiKey}`, "content-type": "application/json", "idempotency-key": crypto.randomUUID() }, body: JSON.stringify(body) });
    const json = await res.json();
    assert.ok(res.status === 200 || res.status === 201, `POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  };
  const branches = (await partner<{ data: Array<{ id: string; code: string; jurisdiction: string }> }>("/v1/branches?limit=200")).data;
  const madrid = branches.find((b) => b.jurisdiction === "ES");
  assert.ok(madrid, "the demo data has a Spanish branch");
  const customer = await post<{ id: string }>("/v1/customers", { name: "Compliance E2E S.L.", email: "e2e@compliance.example.es", segment: "smb", language: "es", timezone: "Europe/Madrid", taxId: "B87654321", address: { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" } });
  const issue = async (unitPrice: number): Promise<Issued> => {
    const draft = await post<{ id: string }>("/v1/invoices", { customerId: customer.id, branchId: madrid.id, currency: "EUR", lines: [{ description: "Limpieza de oficina", quantity: 2, unitPrice }] });
    return post<Issued>(`/v1/invoices/${draft.id}/issue`, {});
  };
  const first = await issue(4_250);
  const second = await issue(3_125);
  // The records are made in this order (on first read if the event pipeline has not run yet).
  await partner(`/v1/invoices/${first.id}/verifactu`);
  await partner(`/v1/invoices/${second.id}/verifactu`);

  const { context, page } = await session(WIDTHS.desktop);
  await step("an admin finds an issued invoice by number and sees its seal, verified in place, and its archive status", async () => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/compliance");
    await page.getByRole("heading", { name: "Compliance" }).waitFor();
    await page.getByLabel("Number or customer").fill(second.number);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("button", { name: new RegExp(second.number) }).click();
    await page.waitForURL(new RegExp(`invoice=${second.id}`));
    const seal = await partner<{ kid: string; sha256: string }>(`/v1/invoices/${second.id}/seal`);
    await page.getByTestId("seal-kid").getByText(seal.kid).waitFor();
    assert.equal((await page.getByTestId("seal-sha256").innerText()).trim(), seal.sha256);
    await page.getByRole("button", { name: "Verify in place" }).click();
    await page.getByTestId("verify-result").first().getByText("Valid").waitFor();
    await page.getByTestId("archive-status").waitFor();
    await settled(page);
    await cleanText(page);
    await shoot(page, "compliance", "desktop");
  });

  await step("an upload of the document verifies; the same file with one byte changed is invalid, naming the failed check", async () => {
    const res = await fetch(`${baseUrl}/v1/invoices/${second.id}/document`, { headers: { authorization: `Bearer ${credentials.apiKey}` } });
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), "compliance-e2e-"));
    const original = join(dir, `${second.number.replace(/\W/g, "_")}.xml`);
    writeFileSync(original, bytes);
    const altered = new Uint8Array(bytes);
    const at = altered.lastIndexOf(0x35) > 0 ? altered.lastIndexOf(0x35) : altered.length - 10; // a digit "5" near the totals
    altered[at] = altered[at] === 0x35 ? 0x36 : altered[at]! ^ 1;
    const tampered = join(dir, "tampered.xml");
    writeFileSync(tampered, altered);

    const upload = page.locator(".card", { hasText: "Verify an uploaded document" });
    await upload.getByLabel("Document file").setInputFiles(original);
    await upload.getByRole("button", { name: "Verify upload" }).click();
    await upload.getByTestId("verify-result").getByText("Valid").waitFor();
    await upload.getByLabel("Document file").setInputFiles(tampered);
    await upload.getByRole("button", { name: "Verify upload" }).click();
    await upload.getByTestId("verify-result").getByText("Invalid").waitFor();
    await upload.getByTestId("verify-result").getByText("Signature over the document bytes").waitFor();
    await cleanText(page);
  });

  await step("the Spanish invoice shows its VERI*FACTU record, chain link (followed to the previous record), QR and AEAT submission", async () => {
    const vf = await partner<{ record: { Huella: string; HuellaAnterior: string }; chain: { previous: { documentId: string } | null } }>(`/v1/invoices/${second.id}/verifactu`);
    assert.equal(vf.chain.previous?.documentId, first.id, "the second invoice's record links to the first's");
    await page.getByTestId("verifactu-huella").getByText(vf.record.Huella).waitFor();
    await page.getByTestId("verifactu-chain").getByText(vf.record.HuellaAnterior).waitFor();
    assert.equal(await page.getByTestId("verifactu-qr").locator("svg").count(), 1, "the QR is drawn");
    // The fake AEAT answers within seconds once the aeat-submission consumer runs.
    const deadline = Date.now() + 45_000;
    while (!(await page.getByTestId("verifactu-submission").getByText("Accepted").isVisible())) {
      assert.ok(Date.now() < deadline, `submission still ${await page.getByTestId("verifactu-submission").innerText()}`);
      await page.waitForTimeout(2_000);
      await page.locator(".card", { hasText: "VERI*FACTU (Spain)" }).getByRole("button", { name: "Refresh" }).click();
      await settled(page);
    }
    await page.getByTestId("verifactu-submission").getByText(/CSV/).waitFor();
    await page.getByTestId("verifactu-previous").click();
    await page.waitForURL(new RegExp(`invoice=${first.id}`));
    await page.getByRole("heading", { name: new RegExp(first.number) }).waitFor();
    await settled(page);
    await cleanText(page);
  });
  await context.close();

  const phone = await session(WIDTHS.phone);
  await step("the Compliance page works at 390 px (no horizontal scroll, record and QR visible)", async () => {
    await signIn(phone.page, admin.email, admin.password);
    await phone.page.goto(`/compliance?invoice=${second.id}`);
    await phone.page.getByTestId("seal-kid").waitFor();
    await phone.page.getByTestId("verifactu-qr").waitFor();
    await settled(phone.page);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scroll at 390 px (${overflow} px)`);
    await cleanText(phone.page);
    await shoot(phone.page, "compliance", "phone");
  });
  await phone.context.close();
  return counts;
}

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
