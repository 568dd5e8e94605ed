// Shared builders for the dunning domain tests.
import { type Cadence, DEFAULT_SUPPRESSION } from "../../../../workers/domain/dunning/cadence.ts";
import type { CustomerState } from "../../../../workers/domain/dunning/customer-state.ts";

export const standardCadence = (overrides: Partial<Cadence> = {}): Cadence => ({
  id: "cad_std",
  version: 1,
  name: "Standard",
  segments: [],
  defaultLanguage: "en",
  suppression: { ...DEFAULT_SUPPRESSION },
  steps: [
    { id: "pre", trigger: { type: "days_after_due", days: -3 }, channels: ["email"], templates: { en: { subject: "Due soon", body: "Hi {{customerName}}, {{invoiceNumbers}} is due on {{dueDates}}." } }, escalations: [] },
    { id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email", "sms"], templates: { en: { subject: "Overdue", body: "{{customerName}}: {{amountDue}} overdue ({{invoiceNumbers}}). Pay: {{paymentLink}}" }, es: { subject: "Vencida", body: "{{customerName}}: {{amountDue}} vencido. Pague: {{paymentLink}}" } }, escalations: [] },
    { id: "d15", trigger: { type: "days_after_due", days: 15 }, channels: ["sms", "email"], templates: { en: { body: "Reminder: {{amountDue}} is {{daysPastDue}} days late. {{paymentLink}}" } }, escalations: [] },
    { id: "b31", trigger: { type: "enter_bucket", bucket: "31-60" }, channels: ["email"], templates: { en: { subject: "Formal notice", body: "Formal notice for {{invoiceNumbers}}" } }, escalations: ["formal_notice", "notify_branch_manager"] },
  ],
  ...overrides,
});

export const customer = (overrides: Partial<CustomerState> = {}): CustomerState => ({
  customerId: "cus_1",
  name: "Casa Lumen",
  segment: "smb",
  language: "en",
  timezone: "Europe/Madrid",
  doNotContact: false,
  preferredChannels: ["email", "sms"],
  channels: [
    { channel: "email", address: "ap@casalumen.example", consent: true, optOuts: [], unreachableAt: null },
    { channel: "sms", address: "+34600000001", consent: true, optOuts: [], unreachableAt: null },
  ],
  invoices: [{ id: "inv_a", number: "MAD1-000001", currency: "EUR", dueDate: "2026-01-10", amountDue: 16335, settledAt: null, disputes: [] }],
  promises: [],
  sentAt: [],
  paymentLinkBase: "https://pay.example/",
  ...overrides,
});
