// Browser scenarios for the rest of issue 6 (suite "invoice-work"): invoice search
// through ?q=, the invoice's event history, the server-side receivables aging (with its current
// bucket), postal addresses per country, and field errors that clear when the field is edited.
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

interface InvoiceRow {
  id: string;
  number: string | null;
  branchId: string;
  customerId: string;
  status: string;
  balanceDue: number;
}
interface BranchRow {
  id: string;
  code: string;
  jurisdiction: string;
  address: { line1: string; city: string; postalCode: string; region?: string | null; countryCode: string } | null;
}
interface AgingReport {
  currencies: Array<{ currency: string; buckets: Array<{ bucket: string; amount: number; count: number }> }>;
  topOverdueCustomers: Array<{ customerId: string; customerName: string }>;
}
interface EventList {
  data: Array<{ type: string; actor: string; summary: string; amount: number | null }>;
  nextCursor: string | null;
}

// Callbacks passed to page.waitForFunction run in the browser; the root tsconfig has no DOM lib.
declare const document: { querySelectorAll(selector: string): { length: number } };

/** Flips the case of ASCII letters only: the API's search ignores ASCII case. */
const flipAsciiCase = (s: string) => s.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

export async function invoiceWorkScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, partner, admin } = createHarness(options);
  const branches = (await partner<{ data: BranchRow[] }>("/v1/branches?limit=200")).data;
  const issued = async (branchId?: string) =>
    (await partner<{ data: InvoiceRow[] }>(`/v1/invoices?status=issued&limit=1${branchId ? `&branchId=${branchId}` : ""}`)).data[0];
  const sample = await issued();
  assert.ok(sample?.number, "the demo has an issued invoice");

  for (const width of ["desktop", "phone"] as const) {
    console.error(`[browser] search, history, aging at ${WIDTHS[width].width} px`);
    const { context, page } = await session(WIDTHS[width]);
    await signIn(page, admin.email, admin.password);
    const searchBox = () => page.getByRole("searchbox", { name: "Search" });
    /** Waits for the list's answer for this q (a search is a client-side navigation: no page load to wait for). */
    const answered = async (q: string | null, action: () => Promise<unknown>) => {
      const response = page.waitForResponse((r) => r.url().includes("/v1/invoices?") && new URL(r.url()).searchParams.get("q") === q);
      await action();
      await response;
      await page.locator(".refreshing").waitFor({ state: "detached" });
      await settled(page);
    };
    const runSearch = async (text: string) => {
      await searchBox().fill(text);
      await answered(text.trim(), () => page.getByRole("button", { name: "Search", exact: true }).click());
      assert.equal(new URL(page.url()).searchParams.get("q"), text.trim());
    };

    await step(`invoices: search by number or customer name, ?q= round-trips through the URL (${width})`, async () => {
      const number = sample.number!;
      const prefix = number.slice(0, -2);
      await page.goto("/invoices");
      await settled(page);
      await runSearch(prefix.toLowerCase());
      const numbers = await page.locator("tbody tr a.link.mono").allInnerTexts();
      assert.ok(numbers.length > 0, `invoices numbered ${prefix}…`);
      for (const n of numbers) assert.ok(n.startsWith(prefix), `${n} starts with ${prefix}`);
      // A shared or reloaded link searches again, and the box shows what.
      await page.reload();
      await settled(page);
      assert.equal(await searchBox().inputValue(), prefix.toLowerCase());
      assert.deepEqual(await page.locator("tbody tr a.link.mono").allInnerTexts(), numbers);

      await runSearch(number);
      assert.deepEqual(await page.locator("tbody tr a.link.mono").allInnerTexts(), [number], "an exact number finds that invoice");

      const customer = await partner<{ name: string }>(`/v1/customers/${sample.customerId}`);
      const word = customer.name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
      await runSearch(flipAsciiCase(word));
      const names = await page.locator("tbody tr td a[href^='/customers/']").allInnerTexts();
      assert.ok(names.length > 0, `invoices of customers named like "${word}"`);
      for (const n of names) assert.ok(n.toLowerCase().includes(word.toLowerCase()), `${n} holds ${word}`);
      await cleanText(page);
      await shoot(page, "invoices-search", width);

      await runSearch("zz-no-such-invoice-zz");
      await page.getByText("Nothing matches “zz-no-such-invoice-zz”").waitFor();
      await cleanText(page);
      // Back goes to the previous search, box included.
      await answered(flipAsciiCase(word), () => page.goBack());
      assert.equal(await searchBox().inputValue(), flipAsciiCase(word));
      await answered(null, () => page.getByRole("button", { name: "Clear filters" }).click());
      assert.ok(!new URL(page.url()).searchParams.has("q"));
      assert.equal(await searchBox().inputValue(), "");
      // A bad q is a clear 400 naming the field.
      const bad = await apiCall<{ code: string; errors: Array<{ field: string }> }>(page, "GET", "/v1/invoices?q=MAD1%07");
      assert.equal(bad.status, 400);
      assert.ok(bad.body.errors.some((e) => e.field === "q"));
    });

    await step(`receivables: the server's aging with a current bucket, chart, table, top customers, branch filter (${width})`, async () => {
      const report = await apiCall<AgingReport>(page, "GET", "/v1/receivables/aging");
      assert.equal(report.status, 200);
      assert.ok(report.body.currencies.length > 0, "the demo has open receivables");
      assert.ok(report.body.currencies.some((c) => c.buckets.find((b) => b.bucket === "current")!.count > 0), "some are not yet due");
      await page.goto("/receivables");
      await settled(page);
      await page.getByRole("columnheader", { name: /^Current/ }).waitFor();
      assert.equal(await page.locator("table").first().locator("tbody tr").count(), report.body.currencies.length, "one row per currency");
      assert.ok((await page.locator(".chart svg").count()) >= 1, "the ECharts chart rendered");
      const top = report.body.topOverdueCustomers[0];
      assert.ok(top, "someone is overdue in the demo");
      await page.getByRole("link", { name: top.customerName, exact: true }).first().waitFor();
      await cleanText(page);
      await shoot(page, "receivables-aging", width);

      const branch = branches[0]!;
      await page.getByLabel("Branch").selectOption(branch.id);
      await page.waitForURL(new RegExp(`branchId=${branch.id}`));
      await settled(page);
      const scoped = await apiCall<AgingReport>(page, "GET", `/v1/receivables/aging?branchId=${branch.id}`);
      assert.equal(await page.locator("table").first().locator("tbody tr").count(), scoped.body.currencies.length);
      await cleanText(page);
    });

    await step(`invoice detail: the History panel, and a payment appears in it; field errors clear when edited (${width})`, async () => {
      await page.goto(`/invoices/${sample.id}`);
      await settled(page);
      await page.getByRole("heading", { name: "History" }).waitFor();
      const items = page.getByTestId("invoice-history").locator("li");
      const before = await items.count();
      await page.getByRole("button", { name: "Record payment" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(/Amount/).fill("0");
      await dialog.getByRole("button", { name: "Record payment" }).click();
      await dialog.locator(".field-error").waitFor();
      // Editing the field takes the message away: it described the old value.
      await dialog.getByLabel(/Amount/).pressSequentially("1");
      assert.equal(await dialog.locator(".field-error").count(), 0, "the error clears once the field is edited");
      assert.equal(await dialog.getByLabel(/Amount/).getAttribute("aria-invalid"), "false");
      await dialog.getByLabel(/Amount/).fill("0.01");
      await dialog.getByRole("button", { name: "Record payment" }).click();
      await page.getByRole("status").filter({ hasText: "recorded" }).waitFor();
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=invoice-history] li").length > n, before);
      await settled(page);
      const last = items.last();
      assert.match(await last.innerText(), /Payment received by bank transfer/);
      assert.match(await last.innerText(), /You/);
      const events = await apiCall<EventList>(page, "GET", `/v1/invoices/${sample.id}/events?limit=200`);
      const lastEvent = events.body.data.at(-1)!;
      assert.equal(lastEvent.type, "payment.recorded");
      assert.match(lastEvent.actor, /^staff:/);
      assert.equal(lastEvent.amount, 1);
      await cleanText(page);
      await shoot(page, "invoice-history", width);
    });

    if (width === "desktop")
      await step("postal addresses as each country writes them (US, GB, ES)", async () => {
        const checks: Array<[string, (a: NonNullable<BranchRow["address"]>) => string[]]> = [
          ["US", (a) => [`${a.city}, ${a.region} ${a.postalCode}`]],
          ["GB", (a) => [a.city, a.postalCode]],
          ["ES", (a) => [`${a.postalCode} ${a.city}`]],
        ];
        for (const [country, expected] of checks) {
          const branch = branches.find((b) => b.address?.countryCode === country);
          assert.ok(branch?.address, `a ${country} branch with an address`);
          const invoice = await issued(branch.id);
          assert.ok(invoice, `an issued invoice of ${branch.code}`);
          await page.goto(`/invoices/${invoice.id}`);
          await settled(page);
          const lines = (await page.getByTestId("seller").innerText()).split("\n").map((l) => l.trim());
          for (const line of expected(branch.address)) assert.ok(lines.includes(line), `${branch.code} seller shows the line "${line}": ${JSON.stringify(lines)}`);
          if (country === "US") assert.ok(!lines.includes(`${branch.address.postalCode} ${branch.address.city}`), "no European order for a US address");
          await cleanText(page);
        }
        await shoot(page, "invoice-us-address", "desktop");
      });
    await context.close();
  }
  return counts;
}
