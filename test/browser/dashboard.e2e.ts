// The dashboard's core browser scenarios (sign-in, receivables, invoices, customers, operations,
// settings, roles). Each step fails on a console error, a failed request to the app's origin, or
// page text with NaN / undefined / [object Object] (test/browser/harness.ts).
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

interface CurrencyBalance {
  currency: string;
  openBalance: number;
  creditBalance: number;
}

// Callbacks passed to page.evaluate run in the browser; the root tsconfig has no DOM lib.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  activeElement: { id: string; tagName: string; textContent: string | null } | null;
};
declare function getComputedStyle(el: unknown): { outlineStyle: string };

export async function dashboardScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { baseUrl, credentials, deadLetterId } = options;
  const { counts, problems, session, step, signIn, settled, cleanText, shoot, apiCall, sessionCookie, partner, admin } = createHarness(options);


  for (const width of ["desktop", "phone"] as const) {
    console.error(`[browser] admin at ${WIDTHS[width].width} px`);
    const { context, page } = await session(WIDTHS[width]);
    let invoiceUrl = "";
    let customerUrl = "";

    await step("sign-in page, then sign in as the admin", async () => {
      await page.goto("/invoices?status=paid");
      await page.waitForURL(/\/sign-in\?next=/);
      await shoot(page, "sign-in", width);
      await page.getByLabel("Work email").fill(admin.email);
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
      problems.length = 0; // the 401 of the wrong password is expected
      await page.getByLabel("Password").fill(admin.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/invoices\?status=paid/); // back where the user was going
      await sessionCookie(context);
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
      assert.doesNotMatch(stored, /lls_/, "no session token in web storage");
      // A reload keeps the user signed in: the page asks GET /auth/session who the cookie is.
      await page.reload();
      await page.getByLabel("Status").waitFor();
      assert.match(page.url(), /\/invoices\?status=paid/);
    });

    await step("overview shows branches, overdue totals and the aging chart", async () => {
      await page.goto("/");
      await page.getByRole("heading", { name: "Branches" }).waitFor();
      await page.locator("table").last().locator("tbody tr").first().waitFor();
      const interactiveMs = await page.evaluate(() => Math.round(performance.now()));
      console.error(`    overview interactive ${interactiveMs} ms after navigation`);
      // The goal is < 2 s on the local demo; CI machines here are shared, so fail only when far off.
      assert.ok(interactiveMs < Number(process.env.E2E_INTERACTIVE_MS ?? 6000), `overview interactive in ${interactiveMs} ms`);
      await settled(page);
      assert.ok((await page.locator(".stat-bad").count()) >= 1, "an overdue total per currency");
      assert.ok((await page.locator(".chart svg").count()) >= 1, "the ECharts chart rendered");
      await cleanText(page);
      await shoot(page, "overview", width);
    });

    await step("receivables: aging per currency, branch filter round-trips through the URL", async () => {
      await page.goto("/receivables");
      await settled(page);
      assert.ok((await page.locator(".chart svg").count()) >= 1);
      await shoot(page, "receivables", width);
      const select = page.getByLabel("Branch");
      const value = await select.locator("option").nth(1).getAttribute("value");
      await select.selectOption(value!);
      await page.waitForURL(new RegExp(`branchId=${value}`));
      await page.reload();
      await settled(page);
      assert.equal(await page.getByLabel("Branch").inputValue(), value);
      await cleanText(page);
    });

    await step("invoices: filters round-trip through the URL, pagination", async () => {
      await page.goto("/invoices");
      await settled(page);
      await page.getByLabel("Status").selectOption("partially_paid");
      await page.waitForURL(/status=partially_paid/);
      await page.getByLabel("Overdue only").check();
      await page.waitForURL(/overdue=true/);
      await settled(page);
      const url = page.url();
      await page.goto(url);
      await settled(page);
      assert.equal(await page.getByLabel("Status").inputValue(), "partially_paid");
      assert.ok(await page.getByLabel("Overdue only").isChecked());
      const rows = page.locator("tbody tr");
      assert.ok((await rows.count()) > 0, "overdue partially paid invoices exist in the demo");
      for (const badge of await page.locator("tbody .badge").allInnerTexts()) assert.equal(badge, "Overdue");
      await page.getByRole("button", { name: "Next →" }).click();
      await page.waitForURL(/cursor=/);
      await settled(page);
      await cleanText(page);
      await shoot(page, "invoices", width);
      invoiceUrl = (await page.locator("tbody tr a.link.mono").first().getAttribute("href")) ?? "";
      assert.match(invoiceUrl, /^\/invoices\/inv_/);
    });

    await step("invoice detail: lines, tax, payments; recording a payment changes the balance", async () => {
      await page.goto(invoiceUrl);
      await settled(page);
      await page.getByRole("heading", { name: "Lines" }).waitFor();
      // An issued invoice names the seller and buyer as frozen on the document.
      const api = await apiCall<{ seller: { legalName: string; taxId: string | null } | null; buyer: { name: string } | null }>(page, "GET", `/v1${invoiceUrl}`);
      assert.ok(api.body.seller && api.body.buyer, "an issued invoice carries seller and buyer snapshots");
      assert.ok((await page.getByTestId("seller").innerText()).includes(api.body.seller.legalName));
      if (api.body.seller.taxId) assert.ok((await page.getByTestId("seller").innerText()).includes(api.body.seller.taxId));
      assert.ok((await page.getByTestId("buyer").innerText()).includes(api.body.buyer.name));
      assert.equal(await page.getByText("As issued").count(), 2);
      const before = await page.getByTestId("balance-due").innerText();
      await shoot(page, "invoice-detail", width);
      await page.getByRole("button", { name: "Record payment" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(/Amount/).fill("0");
      await dialog.getByRole("button", { name: "Record payment" }).click();
      await dialog.locator(".field-error").waitFor(); // validation next to the field
      await dialog.getByLabel(/Amount/).fill("1");
      await dialog.getByLabel("Reference (optional)").fill(`e2e-${width}`);
      await shoot(page, "record-payment", width);
      await dialog.getByRole("button", { name: "Record payment" }).click();
      await page.getByRole("status").filter({ hasText: "recorded" }).waitFor();
      await page.waitForFunction((b) => document.querySelector("[data-testid=balance-due]")?.textContent !== b, before);
      await settled(page);
      const after = await page.getByTestId("balance-due").innerText();
      assert.notEqual(after, before, `balance changed from ${before}`);
      // The reference column steps aside on a phone.
      if (width === "desktop") await page.getByRole("cell", { name: `e2e-${width}` }).first().waitFor();
      await cleanText(page);
      customerUrl = (await page.locator(".page-header a[href^='/customers/']").getAttribute("href")) ?? "";
    });

    if (width === "desktop")
      await step("credit note: the API's problem shows next to the field it names, then a valid one is listed", async () => {
        await page.goto(invoiceUrl);
        await settled(page);
        await page.getByRole("button", { name: "Credit note" }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Reason").fill("Goodwill (e2e)");
        await dialog.getByLabel(/Net amount/).fill("999999");
        await dialog.getByRole("button", { name: "Issue credit note" }).click();
        const fieldError = dialog.locator(".field-invalid .field-error");
        await fieldError.waitFor();
        // The API refuses more than the tax group has left to credit, naming the amount field.
        assert.match(await fieldError.innerText(), /left to credit/);
        await dialog.getByLabel(/Net amount/).fill("0.50");
        await dialog.getByRole("button", { name: "Issue credit note" }).click();
        await page.getByRole("status").filter({ hasText: /Credit note .* issued/ }).waitFor();
        await settled(page);
        await page.getByRole("cell", { name: "Goodwill (e2e)" }).first().waitFor();
        await cleanText(page);
      });

    await step("customers list and detail with balances and channels", async () => {
      await page.goto("/customers?segment=smb");
      await settled(page);
      assert.ok((await page.locator("tbody tr").count()) > 0);
      await cleanText(page);
      await shoot(page, "customers", width);
      await page.goto(customerUrl);
      await settled(page);
      await page.getByRole("heading", { name: "Channels" }).waitFor();
      // The balances are the API's (GET /v1/customers/{id}/balance), one table row per currency.
      const balance = await apiCall<{ balances: CurrencyBalance[] }>(page, "GET", `/v1${customerUrl}/balance`);
      assert.equal(balance.status, 200);
      const stats = page.getByTestId("customer-balance");
      await stats.getByText("Open balance").waitFor();
      if (balance.body.balances.length) {
        const table = page.getByRole("table", { name: "The customer's account per currency" });
        assert.equal(await table.locator("tbody tr").count(), balance.body.balances.length);
        for (const b of balance.body.balances) await table.getByRole("row").filter({ hasText: b.currency }).first().waitFor();
      }
      await cleanText(page);
      await shoot(page, "customer-detail", width);
    });

    if (width === "desktop")
      await step("customer credit: an unallocated payment becomes credit, applied to an open invoice", async () => {
        await page.goto(customerUrl);
        await settled(page);
        const id = customerUrl.split("/").pop()!;
        const start = await apiCall<{ balances: CurrencyBalance[] }>(page, "GET", `/v1/customers/${id}/balance`);
        const owed = start.body.balances.find((b) => b.openBalance > 0);
        assert.ok(owed, "the customer of the paid-into invoice still owes something");
        const paid = await apiCall(page, "POST", "/v1/payments", { customerId: id, currency: owed.currency, amount: 150, method: "bank_transfer", reference: "e2e credit", allocations: [] });
        assert.equal(paid.status, 201);
        await page.reload();
        await settled(page);
        const before = (await apiCall<{ balances: CurrencyBalance[] }>(page, "GET", `/v1/customers/${id}/balance`)).body.balances.find((b) => b.currency === owed.currency)!;
        assert.ok(before.creditBalance >= 150);
        await page.getByRole("button", { name: `Apply ${owed.currency} credit` }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Invoice").waitFor();
        await dialog.getByLabel(/Amount/).fill("1.5");
        await dialog.getByRole("button", { name: "Apply credit" }).click();
        await page.getByRole("status").filter({ hasText: "of credit applied" }).waitFor();
        await settled(page);
        const after = (await apiCall<{ balances: CurrencyBalance[] }>(page, "GET", `/v1/customers/${id}/balance`)).body.balances.find((b) => b.currency === owed.currency)!;
        assert.equal(before.creditBalance - after.creditBalance, 150, "the credit went down by what was applied");
        assert.equal(before.openBalance - after.openBalance, 150, "and so did what the customer owes");
        await cleanText(page);
        await shoot(page, "customer-credit", width);
      });

    await step("operations: pipeline health, and the dead letters an admin can replay", async () => {
      await page.goto("/ops");
      await settled(page);
      const health = page.getByTestId("pipeline-health");
      for (const label of ["Pipeline", "Backlog", "Oldest pending", "Dead letters"]) await health.getByText(label, { exact: true }).waitFor();
      // Counts, as numbers (the relay may move them between two reads, so no exact comparison).
      assert.match(await health.locator(".stat").nth(1).locator(".stat-value").innerText(), /^\d[\d,.\s\u202f]*$/);
      assert.match(await health.locator(".stat").nth(3).locator(".stat-value").innerText(), /^\d[\d,.\s\u202f]*$/);
      const table = page.getByRole("table", { name: "Dead letters" });
      if (!deadLetterId) await page.getByRole("heading", { name: "No dead letters" }).or(table).first().waitFor();
      else {
        const row = table.getByRole("row").filter({ hasText: deadLetterId });
        await row.waitFor();
        await shoot(page, "ops", width);
        if (width === "desktop") {
          await row.getByRole("button", { name: `Replay ${deadLetterId}` }).click();
          const dialog = page.getByRole("dialog", { name: "Replay this message?" });
          await dialog.getByText("e2e.probe").first().waitFor();
          await shoot(page, "ops-replay", width);
          await dialog.getByRole("button", { name: "Replay message" }).click();
          await page.getByRole("status").filter({ hasText: "Sent back to domain-events" }).waitFor();
          await settled(page);
          await row.getByText("Replayed").waitFor();
        }
      }
      await cleanText(page);
      if (!deadLetterId || width === "desktop") await shoot(page, "ops", width);
    });

    await step("settings: API keys; a new key is shown once", async () => {
      await page.goto("/settings");
      await settled(page);
      await page.getByRole("heading", { name: "Partner API keys" }).waitFor();
      if (width === "desktop") {
        await page.getByRole("button", { name: "Create key" }).click();
        const name = `E2E key ${Date.now()}`;
        await page.getByRole("dialog").getByLabel("Name").fill(name);
        await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
        assert.match(await page.getByTestId("new-key").innerText(), /^llk_/);
        await page.getByRole("button", { name: "Done" }).click();
        // Revoke it again (with confirmation), so runs do not pile up live keys.
        await page.getByRole("button", { name: `Revoke ${name}` }).click();
        await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
        await page.getByRole("row", { name: new RegExp(name) }).getByText("Revoked").waitFor();
      }
      await cleanText(page);
      await shoot(page, "settings", width);
    });

    await step("settings → staff: invite (the initial password once), change role, deactivate", async () => {
      await page.goto("/settings");
      await settled(page);
      const table = page.getByRole("table", { name: "Staff" });
      await table.locator("tbody tr").first().waitFor();
      const name = `E2E ${width} ${Date.now()}`;
      const email = `e2e-${width}-${Date.now()}@example.com`;
      await page.getByRole("button", { name: "Invite staff" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill(name);
      await dialog.getByLabel("Email").fill("not-an-email");
      await dialog.getByRole("button", { name: "Send invite" }).click();
      await dialog.locator(".field-invalid .field-error").first().waitFor(); // the API's 400 next to the email
      problems.length = 0;
      await dialog.getByLabel("Email").fill(email);
      await dialog.getByLabel(/^Branch manager/).check();
      const branches = dialog.getByRole("group", { name: "Branches" });
      await branches.getByRole("checkbox").first().check();
      const branchName = ((await branches.locator("label").first().textContent()) ?? "").trim();
      await shoot(page, "settings-staff-invite", width);
      await dialog.getByRole("button", { name: "Send invite" }).click();
      const password = ((await page.getByTestId("initial-password").textContent()) ?? "").trim();
      assert.ok(password.length >= 8, "an initial password is shown");
      await page.getByRole("button", { name: "Done" }).click();
      const row = table.getByRole("row").filter({ hasText: email });
      await row.filter({ hasText: "Branch manager" }).waitFor();
      await row.filter({ hasText: branchName }).waitFor();
      await cleanText(page);
      await shoot(page, "settings-staff", width);
      if (width === "desktop") {
        // The password works: the invited manager signs in and sees their one branch.
        const other = await session(WIDTHS.desktop);
        await signIn(other.page, email, password);
        await settled(other.page);
        await other.context.close();
        // Change: a viewer now, without branches.
        await page.getByRole("button", { name: `Change ${name}` }).click();
        await page.getByRole("dialog").getByLabel(/^Viewer/).check();
        await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
        await row.filter({ hasText: "Viewer" }).waitFor();
        await row.filter({ hasText: "All branches" }).waitFor();
      }
      await page.getByRole("button", { name: `Deactivate ${name}` }).click();
      await page.getByRole("dialog", { name: `Deactivate ${name}?` }).getByRole("button", { name: "Deactivate" }).click();
      await row.filter({ hasText: "Deactivated" }).waitFor();
      await cleanText(page);
      await shoot(page, "settings-staff-deactivated", width);
      // Deactivated: the sign-in is refused.
      const login = await fetch(`${baseUrl}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
      assert.equal(login.status, 401);
    });

    await step("keyboard: the skip link and visible focus", async () => {
      await page.goto("/");
      await settled(page);
      // Focus moves to the page content on navigation; Tab then reaches a control with a visible ring.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
      await page.keyboard.press("Tab");
      const outline = await page.evaluate(() => {
        const el = document.activeElement!;
        return { tag: el.tagName, style: getComputedStyle(el).outlineStyle };
      });
      assert.ok(["A", "BUTTON", "SELECT", "INPUT"].includes(outline.tag), `focused ${outline.tag}`);
      assert.notEqual(outline.style, "none", "focus is visible");
    });

    await step("an expired or revoked session sends the user to sign-in", async () => {
      // The server forgets the session (a revoked cookie); the next API call answers 401.
      await context.addCookies([{ name: "ll_session", value: "lls_revoked", url: baseUrl, httpOnly: true, sameSite: "Strict" }]);
      if (width === "phone") await page.getByRole("button", { name: "Menu" }).click();
      await page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Customers" }).click();
      await page.waitForURL(/\/sign-in/);
      await page.getByText(/session has ended/).waitFor();
      problems.length = 0; // the 401 is the point
    });

    await step("sign out", async () => {
      await signIn(page, admin.email, admin.password);
      await settled(page);
      const token = await sessionCookie(context);
      if (width === "phone") await page.getByRole("button", { name: "Menu" }).click();
      const logout = page.waitForResponse((r) => r.url().endsWith("/auth/logout"));
      await page.getByRole("button", { name: "Sign out" }).click();
      assert.equal((await logout).status(), 204);
      await page.waitForURL(/\/sign-in/);
      assert.equal((await context.cookies()).find((c) => c.name === "ll_session"), undefined, "the cookie is cleared");
      await page.goto("/invoices");
      await page.waitForURL(/\/sign-in/);
      // Revoked on the server: the old session is refused from now on, as a cookie or a Bearer token.
      const reused = await fetch(`${baseUrl}/v1/branches`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(reused.status, 401);
      const asCookie = await fetch(`${baseUrl}/v1/branches`, { headers: { cookie: `ll_session=${token}` } });
      assert.equal(asCookie.status, 401);
    });
    await context.close();
  }

  // One user per role (demo-credentials.json "staff").
  assert.ok(credentials.staff?.length, "the demo credentials list one staff user per role");
  const roles = new Set(credentials.staff.map((u) => u.role));
  for (const role of ["admin", "finance", "branch_manager", "viewer"]) assert.ok(roles.has(role), `a demo ${role}`);
  type InvoiceRow = { id: string; branchId: string; status: string; balanceDue: number };
  /** An open, partly paid invoice of one of these branches (found with the partner key). */
  async function openInvoiceIn(branchIds: string[]): Promise<InvoiceRow | undefined> {
    for (const b of branchIds) {
      const found = (await partner<{ data: InvoiceRow[] }>(`/v1/invoices?limit=1&status=partially_paid&branchId=${b}`)).data[0];
      if (found) return found;
    }
    return undefined;
  }
  const allBranches = (await partner<{ data: Array<{ id: string; name: string }> }>("/v1/branches?limit=200")).data;
  for (const user of credentials.staff) {
    const { context, page } = await session(WIDTHS.desktop);
    await step(`role ${user.role}: signs in and sees only what the role allows`, async () => {
      await signIn(page, user.email, user.password);
      await settled(page);
      await cleanText(page);
      const me = await apiCall<{ user: { role: string; branchIds?: string[] } }>(page, "GET", "/auth/session");
      assert.equal(me.status, 200);
      assert.equal(me.body.user.role, user.role);
      const nav = (await page.getByRole("navigation", { name: "Primary" }).textContent()) ?? "";
      assert.equal(nav.includes("Settings"), user.role === "admin", "Settings (staff, API keys) for admins only");
      await shoot(page, `role-${user.role}`, "desktop");
      // Settings by URL: refused in the UI and by the API.
      await page.goto("/settings");
      await settled(page);
      if (user.role === "admin") await page.getByRole("heading", { name: "Staff" }).waitFor();
      else {
        await page.getByRole("heading", { name: "You don't have access to this page" }).waitFor();
        assert.equal((await apiCall(page, "GET", "/v1/staff")).status, 403);
      }

      // The branch filter offers the branches the role may see.
      await page.goto("/invoices");
      await settled(page);
      const options = await page.getByLabel("Branch").locator("option").evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
      const visible = user.role === "branch_manager" ? (user.branchIds ?? []) : allBranches.map((b) => b.id);
      assert.deepEqual([...options].sort(), [...visible].sort(), "the branch filter lists exactly the branches the role may see");

      // An open invoice of a branch the role may see: write actions only for roles that write.
      const own = await openInvoiceIn(visible);
      assert.ok(own, "an open invoice in a visible branch");
      await page.goto(`/invoices/${own.id}`);
      await settled(page);
      await page.getByRole("heading", { name: "Lines" }).waitFor();
      const writes = await page.getByRole("button", { name: /^(Record payment|Credit note|Void|Issue invoice)$/ }).count();
      if (user.role === "viewer") {
        assert.equal(writes, 0, "a viewer is offered no write action");
        const refused = await apiCall(page, "POST", `/v1/invoices/${own.id}/void`, { reason: "viewer e2e" });
        assert.equal(refused.status, 403, "and the API refuses one");
      } else assert.ok(writes >= 2, "record payment and credit note are offered");
      await cleanText(page);

      if (user.role === "branch_manager") {
        const foreign = await openInvoiceIn(allBranches.map((b) => b.id).filter((b) => !visible.includes(b)));
        assert.ok(foreign, "an invoice of another branch exists");
        // Through the API with the manager's own session (the cookie): another branch does not exist.
        assert.equal((await apiCall(page, "GET", `/v1/invoices/${foreign.id}`)).status, 404);
        assert.equal((await apiCall(page, "GET", `/v1/branches/${foreign.branchId}`)).status, 404);
        const listed = await apiCall<{ data: InvoiceRow[] }>(page, "GET", "/v1/invoices?limit=200");
        assert.ok(listed.body.data.length > 0 && listed.body.data.every((i) => visible.includes(i.branchId)), "the invoice list holds only their branches");
        // And in the UI: the invoice page says it is not there.
        await page.goto(`/invoices/${foreign.id}`);
        await settled(page);
        await page.getByRole("heading", { name: "Not found" }).waitFor();
        assert.equal(await page.getByRole("heading", { name: "Lines" }).count(), 0);
        await cleanText(page);
        await page.goto("/receivables");
        await settled(page);
        const aging = await page.getByLabel("Branch").locator("option").evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
        assert.deepEqual([...aging].sort(), [...visible].sort(), "receivables offers only their branches too");
        await shoot(page, "role-branch_manager-receivables", "desktop");
      }
      if (user.role === "viewer") {
        await page.goto("/ops");
        await settled(page);
        assert.equal(await page.getByRole("button", { name: /^Replay / }).count(), 0, "no dead-letter replay");
      }
    });
    await context.close();
  }
  return counts;
}
