// The demo cadences every franchise starts with: a standard one for everybody, a gentler one for
// enterprise accounts (VIP) and a tighter one for customers the risk model marks "high-risk".
// Texts exist in the languages the franchises' customers speak; others fall back to English.
import type { Cadence, CadenceStep, Channel, Escalation, MessageTemplate, SuppressionSettings } from "../../workers/domain/dunning/cadence.ts";
import { DEFAULT_SUPPRESSION } from "../../workers/domain/dunning/cadence.ts";

type Texts = Record<string, MessageTemplate>;

const DUE_SOON: Texts = {
  en: { subject: "Invoice {{invoiceNumbers}} is due soon", body: "Hello {{customerName}}, a friendly note: {{amountDue}} ({{invoiceNumbers}}) is due on {{dueDates}}. Pay online: {{paymentLink}}" },
  es: { subject: "La factura {{invoiceNumbers}} vence pronto", body: "Hola {{customerName}}, le recordamos que {{amountDue}} ({{invoiceNumbers}}) vence el {{dueDates}}. Pague en línea: {{paymentLink}}" },
  ca: { subject: "La factura {{invoiceNumbers}} venç aviat", body: "Hola {{customerName}}, us recordem que {{amountDue}} ({{invoiceNumbers}}) venç el {{dueDates}}. Pagueu en línia: {{paymentLink}}" },
  fr: { subject: "La facture {{invoiceNumbers}} arrive à échéance", body: "Bonjour {{customerName}}, {{amountDue}} ({{invoiceNumbers}}) arrive à échéance le {{dueDates}}. Paiement en ligne : {{paymentLink}}" },
};

const OVERDUE: Texts = {
  en: { subject: "Payment overdue: {{invoiceNumbers}}", body: "Hello {{customerName}}, {{amountDue}} for {{invoiceNumbers}} is {{daysPastDue}} days overdue. Please pay at {{paymentLink}}" },
  es: { subject: "Pago vencido: {{invoiceNumbers}}", body: "Hola {{customerName}}, {{amountDue}} de {{invoiceNumbers}} lleva {{daysPastDue}} días vencido. Puede pagar en {{paymentLink}}" },
  ca: { subject: "Pagament vençut: {{invoiceNumbers}}", body: "Hola {{customerName}}, {{amountDue}} de {{invoiceNumbers}} fa {{daysPastDue}} dies que ha vençut. Podeu pagar a {{paymentLink}}" },
  fr: { subject: "Paiement en retard : {{invoiceNumbers}}", body: "Bonjour {{customerName}}, {{amountDue}} pour {{invoiceNumbers}} est en retard de {{daysPastDue}} jours. Réglez sur {{paymentLink}}" },
  de: { subject: "Zahlung überfällig: {{invoiceNumbers}}", body: "Guten Tag {{customerName}}, {{amountDue}} für {{invoiceNumbers}} ist seit {{daysPastDue}} Tagen überfällig. Zahlen Sie unter {{paymentLink}}" },
  pl: { subject: "Zaległa płatność: {{invoiceNumbers}}", body: "Dzień dobry {{customerName}}, {{amountDue}} za {{invoiceNumbers}} jest {{daysPastDue}} dni po terminie. Zapłać: {{paymentLink}}" },
};

const SECOND: Texts = {
  en: { subject: "Second reminder: {{invoiceNumbers}}", body: "{{customerName}}, we still have {{amountDue}} open ({{invoiceCount}} invoices: {{invoiceNumbers}}). Pay now: {{paymentLink}}" },
  es: { subject: "Segundo aviso: {{invoiceNumbers}}", body: "{{customerName}}, seguimos teniendo {{amountDue}} pendiente ({{invoiceCount}} facturas: {{invoiceNumbers}}). Pague ahora: {{paymentLink}}" },
  ca: { subject: "Segon avís: {{invoiceNumbers}}", body: "{{customerName}}, encara tenim {{amountDue}} pendent ({{invoiceCount}} factures: {{invoiceNumbers}}). Pagueu ara: {{paymentLink}}" },
};

const NOTICE: Texts = {
  en: { subject: "Formal notice: {{invoiceNumbers}}", body: "Dear {{customerName}}, {{amountDue}} ({{invoiceNumbers}}, due {{dueDates}}) remains unpaid after {{daysPastDue}} days. Please settle it at {{paymentLink}} or contact us." },
  es: { subject: "Requerimiento formal: {{invoiceNumbers}}", body: "Estimado/a {{customerName}}, {{amountDue}} ({{invoiceNumbers}}, vencimiento {{dueDates}}) sigue impagado tras {{daysPastDue}} días. Regularícelo en {{paymentLink}} o contáctenos." },
  ca: { subject: "Requeriment formal: {{invoiceNumbers}}", body: "Benvolgut/da {{customerName}}, {{amountDue}} ({{invoiceNumbers}}, venciment {{dueDates}}) continua impagat després de {{daysPastDue}} dies. Regularitzeu-ho a {{paymentLink}}." },
};

function step(id: string, trigger: CadenceStep["trigger"], channels: Channel[], templates: Texts, escalations: Escalation[] = []): CadenceStep {
  return { id, trigger, channels, templates: channels.length === 0 ? {} : templates, escalations };
}

const days = (n: number) => ({ type: "days_after_due" as const, days: n });
const bucket = (id: string) => ({ type: "enter_bucket" as const, bucket: id });

export type DemoCadence = Omit<Cadence, "id" | "version"> & { key: string; /** Earlier versions (oldest first), to show versioning. */ previous: Array<Pick<Cadence, "steps" | "suppression">> };

const STANDARD_SUPPRESSION: SuppressionSettings = { ...DEFAULT_SUPPRESSION, minAmount: 500 };

const standardSteps = [
  step("due-3", days(-3), ["email"], DUE_SOON),
  step("d1", days(1), ["email", "sms"], OVERDUE),
  step("d8", days(8), ["sms", "whatsapp", "email"], SECOND),
  step("b31", bucket("31-60"), ["email"], NOTICE, ["notify_branch_manager"]),
  step("b61", bucket("61-90"), ["email", "sms"], NOTICE, ["assign_collections", "formal_notice"]),
];

export const DEMO_CADENCES: readonly DemoCadence[] = [
  {
    key: "standard",
    name: "Standard",
    segments: [],
    defaultLanguage: "en",
    steps: standardSteps,
    suppression: STANDARD_SUPPRESSION,
    // Version 1 had no pre-due nudge; running sequences that started on it keep it.
    previous: [{ steps: standardSteps.slice(1), suppression: STANDARD_SUPPRESSION }],
  },
  {
    key: "vip",
    name: "VIP accounts",
    segments: ["enterprise"],
    defaultLanguage: "en",
    steps: [
      step("d5", days(5), ["email"], OVERDUE),
      step("d15", days(15), ["email"], SECOND, ["notify_branch_manager"]),
      step("b61", bucket("61-90"), [], {}, ["assign_collections"]),
    ],
    suppression: { ...DEFAULT_SUPPRESSION, weeklyCap: 1, minGapHours: 72, windowStartMinute: 9 * 60, windowEndMinute: 18 * 60, sendAtMinute: 11 * 60 },
    previous: [],
  },
  {
    key: "high-risk",
    name: "High risk",
    // Set on a customer from the forecast's risk score.
    segments: ["high-risk"],
    defaultLanguage: "en",
    steps: [
      step("due0", days(0), ["sms", "email"], DUE_SOON),
      step("d1", days(1), ["sms", "whatsapp", "email"], OVERDUE),
      step("d4", days(4), ["whatsapp", "sms", "email"], SECOND),
      step("d10", days(10), ["email"], NOTICE, ["assign_collections"]),
      step("b31", bucket("31-60"), ["email", "sms"], NOTICE, ["formal_notice", "service_hold"]),
    ],
    suppression: { ...DEFAULT_SUPPRESSION, weeklyCap: 3, minGapHours: 24 },
    previous: [],
  },
];

/** The cadence's texts, reduced to the languages a franchise's customers speak (plus the default). */
export function forLanguages(c: DemoCadence, languages: ReadonlySet<string>): DemoCadence {
  const keep = (steps: CadenceStep[]) => steps.map((s) => ({ ...s, templates: Object.fromEntries(Object.entries(s.templates).filter(([lang]) => lang === c.defaultLanguage || languages.has(lang))) }));
  return { ...c, steps: keep(c.steps), previous: c.previous.map((p) => ({ ...p, steps: keep(p.steps) })) };
}
