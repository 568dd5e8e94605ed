// Shared by the dunning worker tests: a standard cadence and overdue invoices.
import { addDays, localDateAt } from "../../workers/domain/dates.ts";
import { A, callJson, createDraft } from "./fixtures.ts";

export const today = () => localDateAt(new Date(), "Europe/Madrid");

export const CADENCE = {
  name: "Standard",
  segments: [],
  defaultLanguage: "en",
  steps: [
    { id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email", "sms"], templates: { en: { subject: "Overdue", body: "{{customerName}}: {{amountDue}} overdue ({{invoiceNumbers}})" }, es: { subject: "Vencida", body: "{{customerName}}: {{amountDue}} vencido ({{invoiceNumbers}})" } } },
    { id: "d10", trigger: { type: "days_after_due", days: 10 }, channels: ["sms", "email"], templates: { en: { body: "Reminder {{amountDue}} {{paymentLink}}" } } },
    { id: "b31", trigger: { type: "enter_bucket", bucket: "31-60" }, channels: ["email"], templates: { en: { subject: "Notice", body: "Formal notice {{invoiceNumbers}}" } }, escalations: ["formal_notice"] },
  ],
};

/** An issued invoice of the customer, due `dueAgo` days before today. */
export async function overdueInvoice(customerId: string, dueAgo: number, key = A.key) {
  const draft = await createDraft(customerId, { issueDate: addDays(today(), -dueAgo - 30), dueInDays: 30 }, key);
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { key });
  if (issued.status !== 200) throw new Error(`not issued: ${JSON.stringify(issued.body)}`);
  return issued.body;
}
