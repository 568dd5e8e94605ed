// The values a live template preview fills in: from a chosen customer's overdue invoices, shaped
// the way the planner shapes them (workers/domain/dunning/planner.ts content()), or a stand-in
// customer when none is chosen. Rendering itself is the backend's own renderTemplate.
import { api, ok } from "../../api/client.ts";
import type { TemplateVariable } from "../../../../workers/domain/dunning/template.ts";

export type SampleValues = Record<TemplateVariable, string>;

const PAYMENT_LINK_BASE = "https://pay.ledgerline.example/c/";
const amount = (minor: number, currency: string) => `${currency} ${(minor / 100).toFixed(2)}`;

export const STAND_IN: SampleValues = {
  customerName: "Alex Sample",
  invoiceNumbers: "MAD1-2026-000123, MAD1-2026-000131",
  amountDue: "EUR 1250.00",
  dueDates: "2026-01-15, 2026-02-01",
  paymentLink: `${PAYMENT_LINK_BASE}cus_sample`,
  invoiceCount: "2",
  daysPastDue: "34",
};

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export async function sampleFor(customerId: string, signal?: AbortSignal): Promise<{ name: string; values: SampleValues }> {
  const [customer, overdue] = await Promise.all([
    ok(api.GET("/v1/customers/{id}", { params: { path: { id: customerId } }, signal })),
    ok(api.GET("/v1/invoices", { params: { query: { customerId, overdue: "true", limit: 200 } }, signal })),
  ]);
  const invoices = [...overdue.data].sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? ""));
  const today = new Date().toISOString().slice(0, 10);
  const currencies = [...new Set(invoices.map((i) => i.currency))];
  const values: SampleValues = {
    customerName: customer.name,
    invoiceNumbers: invoices.map((i) => i.number ?? i.id).join(", "),
    amountDue: currencies.map((c) => amount(invoices.filter((i) => i.currency === c).reduce((s, i) => s + i.balanceDue, 0), c)).join(" + "),
    dueDates: invoices.map((i) => i.dueDate ?? "").join(", "),
    paymentLink: `${PAYMENT_LINK_BASE}${customer.id}`,
    invoiceCount: String(invoices.length),
    daysPastDue: String(Math.max(0, ...invoices.map((i) => (i.dueDate ? daysBetween(i.dueDate, today) : 0)))),
  };
  return { name: customer.name, values };
}
