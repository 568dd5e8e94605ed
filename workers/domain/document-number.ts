// Invoice and credit-note numbers: one gapless series per branch and document kind.
export type DocumentSeries = "invoice" | "credit_note";

export function formatDocumentNumber(branchCode: string, series: DocumentSeries, seq: number): string {
  const digits = String(seq).padStart(6, "0");
  return series === "invoice" ? `${branchCode}-${digits}` : `${branchCode}-CN-${digits}`;
}
