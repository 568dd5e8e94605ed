// Message templates: plain text with {{variable}} placeholders from a fixed vocabulary, so an
// editor can reject a typo before a customer ever receives "Dear {{custmer}}".
export const TEMPLATE_VARIABLES = ["customerName", "invoiceNumbers", "amountDue", "dueDates", "paymentLink", "invoiceCount", "daysPastDue"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export function variablesIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
}

export function unknownVariables(text: string): string[] {
  const known = new Set<string>(TEMPLATE_VARIABLES);
  return [...new Set(variablesIn(text).filter((v) => !known.has(v)))];
}

export function renderTemplate(text: string, values: Record<TemplateVariable, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as TemplateVariable] : whole));
}
