// The Dunning page: a cadence step with an unknown variable is refused at its field, the fixed
// text saves as a new version, the live preview speaks as the chosen customer; the schedule
// preview of a customer with an overdue invoice lists sends, and after an SMS opt-out recorded on
// the page it lists SMS suppressed with the reason while the timeline shows the opt-out; aging
// buckets show a gap at its field; escalations; 390 px; a viewer can read but not save. The suite
// makes its own customer, invoice and cadence through the API (the demo seed may have none).
import assert from "node:assert/strict";
import { createHarness, type SuiteOptions, WIDTHS } from "./harness.ts";

interface Listed<T> {
  data: T[];
}
interface Created {
  id: string;
  version: number;
  name: string;
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export async function dunningScenarios(options: SuiteOptions): Promise<{ passed: number; failed: number }> {
  const { credentials } = options;
  const { counts, session, step, signIn, settled, cleanText, shoot, apiCall, admin } = createHarness(options);
  const stamp = Date.now().toString(36);
  const customerName = `Dunning Probe ${stamp}`;
  let customerId = "";
  let cadenceId = "";

  const { context, page } = await session(WIDTHS.desktop);
  await step("dunning: set-up through the API (customer with email + SMS, an invoice due on the branch's last issue date, a cadence for its segment)", async () => {
    await signIn(page, admin.email, admin.password);
    const branches = await apiCall<Listed<{ id: string; currency: string; timezone: string }>>(page, "GET", "/v1/branches?limit=200");
    const types = await apiCall<Listed<{ id: string }>>(page, "GET", "/v1/service-types?limit=1");
    const branch = branches.body.data[0];
    assert.ok(branch && types.body.data[0], "the demo has a branch and a service type");
    const customer = await apiCall<Created>(page, "POST", "/v1/customers", {
      name: customerName,
      email: `probe-${stamp}@dunning.example`,
      phone: "+34600123456",
      segment: "enterprise",
      language: "en",
      timezone: "Europe/Madrid",
      channels: { email: { address: `probe-${stamp}@dunning.example`, consent: "granted" }, sms: { address: "+34600123456", consent: "granted" } },
    });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    customerId = customer.body.id;
    // Numbers are in date order per branch, and the demo issues up to the 1st of this month: the
    // probe invoice is issued on the branch's last issue date and due that day, so it is overdue
    // by however many days have passed since (the cadence's steps are placed relative to that).
    const today = new Date().toISOString().slice(0, 10);
    const recent = await apiCall<Listed<{ issueDate: string | null; number: string | null }>>(page, "GET", `/v1/invoices?branchId=${branch.id}&limit=50`);
    let issueDate = recent.body.data.map((i) => (i.number ? i.issueDate : null)).filter((d): d is string => !!d && d <= today).sort().pop() ?? addDays(today, -10);
    let issued: { status: number; body: unknown } = { status: 0, body: {} };
    for (let attempt = 0; attempt < 2 && issued.status !== 200; attempt++) {
      const draft: { status: number; body: Created } = await apiCall<Created>(page, "POST", "/v1/invoices", {
        customerId,
        branchId: branch.id,
        currency: branch.currency,
        issueDate,
        dueInDays: 0,
        lines: [{ description: "Dunning probe service", quantity: 1, unitPrice: 12_000, serviceTypeId: types.body.data[0]!.id }],
      });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      issued = await apiCall<unknown>(page, "POST", `/v1/invoices/${draft.body.id}/issue`);
      const later = /dated (\d{4}-\d{2}-\d{2})/.exec((issued.body as { detail?: string }).detail ?? "")?.[1];
      if (issued.status === 409 && later) issueDate = later;
    }
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const overdueDays = Math.round((Date.parse(today) - Date.parse(issueDate)) / 86_400_000);
    // Newest first wins among cadences naming the segment, so this one applies to the probe.
    const cadence = await apiCall<Created>(page, "POST", "/v1/dunning/cadences", {
      name: `Probe cadence ${stamp}`,
      segments: ["enterprise"],
      steps: [
        { id: "nudge", trigger: { type: "days_after_due", days: overdueDays + 2 }, channels: ["sms", "email"], templates: { en: { subject: "Overdue", body: "Reminder: {{amountDue}} is overdue" } } },
        { id: "firm", trigger: { type: "days_after_due", days: overdueDays + 15 }, channels: ["sms", "email"], templates: { en: { body: "Please pay {{amountDue}}: {{paymentLink}}" } }, escalations: ["assign_collections"] },
      ],
    });
    assert.equal(cadence.status, 201, JSON.stringify(cadence.body));
    cadenceId = cadence.body.id;
  });

  await step("dunning: an unknown variable is refused at its field; fixed, it saves as version 2 and the live preview names the customer; a stale save is a clear 412 with reload", async () => {
    await page.goto(`/dunning?view=cadences&cadence=${cadenceId}&customer=${customerId}`);
    await page.getByRole("heading", { name: "Dunning", level: 1 }).waitFor();
    await settled(page);
    const editor = page.getByRole("form", { name: "Cadence editor" });
    await editor.getByTestId("cadence-version").filter({ hasText: "v1" }).waitFor();
    const body = editor.getByTestId("step-0").getByLabel("Message text (en)");
    await body.fill("Hello {{custmer}}, {{amountDue}} is overdue");
    await editor.getByRole("button", { name: "Save as new version" }).click();
    const field = editor.getByTestId("step-0").locator(".field-invalid").filter({ has: page.getByLabel("Message text (en)") });
    await field.getByText("unknown variable {{custmer}}").waitFor();
    await page.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    assert.equal((await apiCall<Created>(page, "GET", `/v1/dunning/cadences/${cadenceId}`)).body.version, 1, "nothing was saved");
    await shoot(page, "dunning-field-error", "desktop");

    await body.fill("Hello {{customerName}}, {{amountDue}} is overdue");
    const preview = editor.getByTestId("live-preview-0-en");
    await preview.getByText(`Hello ${customerName},`).waitFor();
    assert.doesNotMatch((await preview.textContent()) ?? "", /\{\{customerName\}\}/);
    await editor.getByRole("button", { name: "Save as new version" }).click();
    await page.getByRole("status").filter({ hasText: "Saved as version 2" }).waitFor();
    await page.getByTestId("cadence-version").filter({ hasText: "v2" }).waitFor();
    const saved = await apiCall<{ version: number; steps: { templates: Record<string, { body: string }> }[] } & Record<string, unknown>>(page, "GET", `/v1/dunning/cadences/${cadenceId}`);
    assert.equal(saved.body.version, 2);
    assert.equal(saved.body.steps[0]!.templates.en!.body, "Hello {{customerName}}, {{amountDue}} is overdue");
    await cleanText(page);
    await shoot(page, "dunning-cadence", "desktop");

    // Someone else saves version 3 meanwhile: saving from the page (still on v2) is a clear 412 with a reload.
    const other = await page.evaluate(
      async ({ id, body }) => (await fetch(`/v1/dunning/cadences/${id}`, { method: "PUT", headers: { "content-type": "application/json", "if-match": '"v2"' }, body: JSON.stringify(body) })).status,
      { id: cadenceId, body: { ...(saved.body as Record<string, unknown>), id: undefined, version: undefined, createdAt: undefined, updatedAt: undefined, name: `Probe cadence ${stamp} (v3)` } },
    );
    assert.equal(other, 200, "the concurrent save went through");
    await body.fill("Hello {{customerName}}, please pay {{amountDue}}");
    await editor.getByRole("button", { name: "Save as new version" }).click();
    await page.getByRole("alert").filter({ hasText: "Someone saved this cadence after you opened it" }).waitFor();
    await page.getByRole("button", { name: "Reload" }).click();
    await page.getByTestId("cadence-version").filter({ hasText: "v3" }).waitFor();
    assert.equal(await page.getByRole("form", { name: "Cadence editor" }).getByTestId("step-0").getByLabel("Message text (en)").inputValue(), "Hello {{customerName}}, {{amountDue}} is overdue", "the other save's text, not the refused one");
  });

  await step("dunning: schedule preview sends by SMS; an SMS opt-out on the page suppresses it with the reason and shows in the timeline; do-not-contact blocks every channel", async () => {
    await page.goto(`/dunning?view=customer&customer=${customerId}`);
    await settled(page);
    const table = page.getByRole("table", { name: `Planned reminders for ${customerName}` });
    await table.waitFor();
    const rows = table.locator("tbody tr");
    assert.ok((await rows.count()) >= 2, "both steps fire in the next 60 days");
    await rows.filter({ hasText: "SMS" }).filter({ hasText: "Send" }).first().waitFor();
    assert.equal(await rows.filter({ hasText: "Suppressed" }).count(), 0, "nothing is suppressed yet");
    await page.getByRole("list", { name: "Planned escalations" }).getByText("Assign to the collections queue").waitFor();

    await page.getByRole("button", { name: "Opt out of SMS" }).click();
    await page.getByRole("status").filter({ hasText: "SMS opted out" }).waitFor();
    await rows.filter({ hasText: "SMS" }).filter({ hasText: "Suppressed" }).filter({ hasText: "Channel opted out" }).first().waitFor();
    // The step falls through to email, which still sends.
    await rows.filter({ hasText: "Email" }).filter({ hasText: "Send" }).first().waitFor();
    assert.equal(await rows.filter({ hasText: "SMS" }).filter({ hasText: "Send" }).count(), 0, "no SMS goes out after the opt-out");
    const timeline = page.getByRole("list", { name: "Communication timeline" });
    await timeline.getByRole("listitem").filter({ hasText: "Opted out" }).filter({ hasText: "SMS" }).first().waitFor();
    const api = await apiCall<{ data: { kind: string; channel: string }[] }>(page, "GET", `/v1/customers/${customerId}/communications`);
    assert.ok(api.body.data.some((c) => c.kind === "opt_out" && c.channel === "sms"), "the opt-out is in the history");
    await page.getByRole("button", { name: "Opt SMS back in" }).waitFor();
    // Do-not-contact blocks every channel, with its own reason; lifting it restores the email sends.
    await page.getByRole("button", { name: "Mark do-not-contact" }).click();
    await page.getByRole("status").filter({ hasText: "marked do-not-contact" }).waitFor();
    await rows.filter({ hasText: "Customer is do-not-contact" }).first().waitFor();
    assert.equal(await rows.filter({ hasText: "Send" }).count(), 0, "nothing is sent to a do-not-contact customer");
    await page.getByRole("button", { name: "Allow contact again" }).click();
    await page.getByRole("status").filter({ hasText: "can be contacted again" }).waitFor();
    await rows.filter({ hasText: "Email" }).filter({ hasText: "Send" }).first().waitFor();
    await cleanText(page);
    await shoot(page, "dunning-customer", "desktop");
  });

  await step("dunning: a gap in the aging buckets is shown at its field; escalations queue renders", async () => {
    await page.goto("/dunning?view=buckets");
    await settled(page);
    const form = page.getByRole("form", { name: "Aging buckets" });
    const second = form.getByTestId("bucket-1");
    await second.waitFor();
    const from = second.getByLabel("From (days)");
    const original = await from.inputValue();
    await from.fill(String(Number(original) + 5));
    await form.getByRole("button", { name: "Save buckets" }).click();
    await second.locator(".field-invalid").getByText(/contiguous/).waitFor();
    await page.goto("/dunning?view=escalations");
    await settled(page);
    await page.getByRole("heading", { name: "Escalations", level: 2 }).waitFor();
    await page.locator("table, .state-empty").first().waitFor();
    await cleanText(page);
    await shoot(page, "dunning-escalations", "desktop");
  });

  const workName = `Escalated Probe ${stamp}`;
  await step("dunning: staff take, acknowledge and resolve an escalation; its assignee and state show in the queue", async () => {
    // A customer whose own cadence escalates today at any hour; an opt-out (a customer.updated
    // event) wakes their CustomerDunning DO at once, which records the escalation.
    const branch = (await apiCall<Listed<{ id: string; currency: string }>>(page, "GET", "/v1/branches?limit=200")).body.data[0]!;
    const types = await apiCall<Listed<{ id: string }>>(page, "GET", "/v1/service-types?limit=1");
    // Customer segments are a fixed set: the newest cadence naming "smb" wins for this customer.
    const segment = "smb";
    const customer = await apiCall<Created>(page, "POST", "/v1/customers", { name: workName, segment, language: "en", timezone: "UTC", channels: { email: { address: `esc-${stamp}@dunning.example`, consent: "granted" }, sms: { address: "+34600123457", consent: "granted" } } });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const today = new Date().toISOString().slice(0, 10);
    const recent = await apiCall<Listed<{ issueDate: string | null; number: string | null }>>(page, "GET", `/v1/invoices?branchId=${branch.id}&limit=50`);
    let issueDate = recent.body.data.map((i) => (i.number ? i.issueDate : null)).filter((d): d is string => !!d && d <= today).sort().pop() ?? addDays(today, -10);
    let issued: { status: number; body: unknown } = { status: 0, body: {} };
    for (let attempt = 0; attempt < 2 && issued.status !== 200; attempt++) {
      const draft = await apiCall<Created>(page, "POST", "/v1/invoices", { customerId: customer.body.id, branchId: branch.id, currency: branch.currency, issueDate, dueInDays: 0, lines: [{ description: "Escalation probe", quantity: 1, unitPrice: 9_000, serviceTypeId: types.body.data[0]!.id }] });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      issued = await apiCall<unknown>(page, "POST", `/v1/invoices/${draft.body.id}/issue`);
      const later = /dated (\d{4}-\d{2}-\d{2})/.exec((issued.body as { detail?: string }).detail ?? "")?.[1];
      if (issued.status === 409 && later) issueDate = later;
    }
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const overdueDays = Math.round((Date.parse(today) - Date.parse(issueDate)) / 86_400_000);
    const cadence = await apiCall<Created>(page, "POST", "/v1/dunning/cadences", {
      name: `Escalation probe ${stamp}`,
      segments: [segment],
      steps: [{ id: "esc", trigger: { type: "days_after_due", days: overdueDays }, channels: ["email"], templates: { en: { subject: "Overdue", body: "{{amountDue}} is overdue" } }, escalations: ["notify_branch_manager", "assign_collections"] }],
      suppression: { windowStartMinute: 0, windowEndMinute: 1440, sendAtMinute: 0, minGapHours: 24, weeklyCap: 3, minAmount: 0 },
    });
    assert.equal(cadence.status, 201, JSON.stringify(cadence.body));
    assert.equal((await apiCall<unknown>(page, "POST", `/v1/customers/${customer.body.id}/opt-outs`, { channel: "sms" })).status, 201);
    let escalationId: string | undefined;
    for (let i = 0; i < 60 && !escalationId; i++) {
      escalationId = (await apiCall<Listed<{ id: string }>>(page, "GET", `/v1/dunning/escalations?customerId=${customer.body.id}`)).body.data[0]?.id;
      if (!escalationId) await page.waitForTimeout(1000);
    }
    assert.ok(escalationId, "the woken DO recorded the escalation");

    await page.goto("/dunning?view=escalations");
    await settled(page);
    const row = page.getByRole("row").filter({ hasText: workName });
    await row.waitFor();
    await row.getByRole("button", { name: "Take" }).click();
    await row.getByText("(you)").waitFor();
    await row.getByText("Open").waitFor();
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await row.getByText("Acknowledged").waitFor();
    await row.getByRole("button", { name: "Resolve" }).click();
    const dialog = page.getByRole("form", { name: "Resolve escalation" });
    await dialog.getByLabel("How was it resolved?").fill("Called the customer: paying Friday");
    await dialog.getByRole("button", { name: "Resolve" }).click();
    await row.getByText("Resolved").waitFor();
    assert.equal(await row.getByRole("button").count(), 0, "a resolved escalation has no actions left");
    const after = await apiCall<{ status: string; resolution: string; resolvedBy: string; acknowledgedBy: string }>(page, "GET", `/v1/dunning/escalations/${escalationId}`);
    assert.equal(after.body.status, "resolved");
    assert.equal(after.body.resolution, "Called the customer: paying Friday");
    assert.match(after.body.resolvedBy, /^staff:usr_/);
    await cleanText(page);
    await shoot(page, "dunning-escalation-work", "desktop");
  });
  await context.close();

  const phone = await session(WIDTHS.phone);
  await step("dunning at 390 px: cadence editor and customer view fit the screen", async () => {
    await signIn(phone.page, admin.email, admin.password);
    for (const [name, url] of [["dunning-cadence", `/dunning?view=cadences&cadence=${cadenceId}&customer=${customerId}`], ["dunning-customer", `/dunning?view=customer&customer=${customerId}`]] as const) {
      await phone.page.goto(url);
      await settled(phone.page);
      await phone.page.getByRole("heading", { name: "Dunning", level: 1 }).waitFor();
      await phone.page.locator("form[aria-label='Cadence editor'], [data-testid='schedule-preview']").first().waitFor();
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${name}: no horizontal scroll (${overflow}px)`);
      await cleanText(phone.page);
      await shoot(phone.page, name, "phone");
    }
  });
  await phone.context.close();

  const viewer = credentials.staff?.find((s) => s.role === "viewer");
  await step("dunning as a viewer: reads the cadence, has no save or opt-out controls, and the API refuses a save", async () => {
    assert.ok(viewer, "the demo has a viewer");
    const v = await session(WIDTHS.desktop);
    try {
      await signIn(v.page, viewer.email, viewer.password);
      await v.page.goto(`/dunning?view=cadences&cadence=${cadenceId}`);
      await settled(v.page);
      const editor = v.page.getByRole("form", { name: "Cadence editor" });
      await editor.getByText("Read-only").waitFor();
      assert.equal(await v.page.getByRole("button", { name: /Save as new version|Create cadence/ }).count(), 0);
      assert.ok(await editor.getByTestId("step-0").getByLabel("Message text (en)").isDisabled(), "the fields are disabled");
      const current = await apiCall<Record<string, unknown> & { version: number }>(v.page, "GET", `/v1/dunning/cadences/${cadenceId}`);
      assert.equal(current.status, 200, "a viewer reads cadences");
      const refused = await v.page.evaluate(
        async ({ id, version }) => {
          const res = await fetch(`/v1/dunning/cadences/${id}`, { method: "PUT", headers: { "content-type": "application/json", "if-match": `"v${version}"` }, body: JSON.stringify({ name: "viewer edit", steps: [] }) });
          return res.status;
        },
        { id: cadenceId, version: current.body.version },
      );
      assert.equal(refused, 403, "the API refuses a viewer's save");
      await v.page.goto(`/dunning?view=customer&customer=${customerId}`);
      await settled(v.page);
      await v.page.getByRole("table", { name: `Planned reminders for ${customerName}` }).waitFor();
      assert.equal(await v.page.getByRole("button", { name: /Opt out of|back in|Record|do-not-contact|Allow contact/ }).count(), 0, "no recording controls");
      await cleanText(v.page);
      await shoot(v.page, "dunning-viewer", "desktop");
      // The escalations queue: a viewer sees assignee and state, but no Take/Acknowledge/Resolve.
      await v.page.goto("/dunning?view=escalations");
      await settled(v.page);
      const row = v.page.getByRole("row").filter({ hasText: workName });
      await row.getByText("Resolved").waitFor();
      assert.equal(await v.page.getByRole("button", { name: /^(Take|Acknowledge|Resolve)$/ }).count(), 0, "no escalation actions for a viewer");
    } finally {
      await v.context.close();
    }
  });

  return counts;
}

// page.evaluate callbacks run in the browser; the root tsconfig has no DOM lib.
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
