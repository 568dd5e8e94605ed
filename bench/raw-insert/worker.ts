// Bench-only Worker (never deployed): inserts the rows of N billing-run invoices through the D1
// binding with the run's OWN insert statements (blockIssueStatements' `inserts`: INSERT ... SELECT FROM
// json_each per table, a block of `block` invoices per db.batch), but none of the run's other
// work (no reads, pricing, InvoiceSequence DO, series assertion, item/counter updates, workflow
// steps). Its rows/s is the practical ceiling the billing run is compared with.
import { blockIssueStatements, type BlockInvoice } from "../../workers/db/invoice-blocks.ts";
import { database } from "../../workers/db/client.ts";
import { franchiseDatabase } from "../../workers/db/resolver.ts";
import type { Statement } from "../../workers/db/batch.ts";

interface RawRequest {
  franchiseId: string;
  /** An invoice the run wrote: its lines, totals and party snapshots are copied N times with fresh ids. */
  templateInvoiceId: string;
  invoices: number;
  block: number;
}

/** The run's invoice as the BlockInvoice the run built for it (same lines, totals, snapshots, billing keys per invoice). */
async function template(d1: D1Database, franchiseId: string, id: string) {
  const inv = await d1.prepare("SELECT * FROM invoices WHERE franchise_id = ? AND id = ?").bind(franchiseId, id).first<any>();
  if (!inv) throw new Error(`template invoice ${id} not found`);
  const { results: lines } = await d1.prepare("SELECT * FROM invoice_lines WHERE franchise_id = ? AND invoice_id = ? ORDER BY position").bind(franchiseId, id).all<any>();
  const keys = await d1.prepare("SELECT count(*) AS n FROM billing_run_invoices WHERE franchise_id = ? AND invoice_id = ?").bind(franchiseId, id).first<{ n: number }>();
  return {
    branchId: inv.branch_id as string,
    customerId: inv.customer_id as string,
    currency: inv.currency as string,
    issueDate: inv.issue_date as string,
    keysPerInvoice: Math.max(1, keys?.n ?? 1),
    invoice: {
      dueDate: inv.due_date,
      memo: inv.memo,
      lines: lines.map((l) => ({ position: l.position, description: l.description, quantityMilli: l.quantity_milli, unitPrice: l.unit_price, discountBps: l.discount_bps, discountAmount: l.discount_amount, netAmount: l.net_amount, serviceTypeId: l.service_type_id, taxCategory: l.tax_category, taxRatePpm: l.tax_rate_ppm, servicePeriodStart: l.service_period_start, servicePeriodEnd: l.service_period_end })),
      totals: { lineNetAmounts: lines.map((l) => l.net_amount), taxBreakdown: JSON.parse(inv.tax_breakdown), subtotal: inv.subtotal, taxTotal: inv.tax_total, total: inv.total },
      parties: { seller: JSON.parse(inv.seller), buyer: JSON.parse(inv.buyer) },
    } as Omit<BlockInvoice, "invoiceId" | "customerId" | "billingKeys" | "position">,
  };
}

export default {
  async fetch(request: Request, env: { DB: D1Database }): Promise<Response> {
    const r = (await request.json()) as RawRequest;
    const d1 = franchiseDatabase(env as unknown as Env, r.franchiseId);
    const db = database(d1);
    const t = await template(d1, r.franchiseId, r.templateInvoiceId);
    const now = new Date().toISOString();
    // The raw rows get a branch (and so a number series) of their own, a copy of the run's.
    const branchId = "br_0000000000000000000000braw";
    await d1
      .prepare("INSERT OR IGNORE INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) SELECT ?, franchise_id, 'BRAW', 'Raw bench', timezone, currency, jurisdiction, created_at FROM branches WHERE franchise_id = ? AND id = ?")
      .bind(branchId, r.franchiseId, t.branchId)
      .run();
    let rows = 0;
    const started = performance.now();
    for (let first = 0; first < r.invoices; first += r.block) {
      const n = Math.min(r.block, r.invoices - first);
      const invoices: BlockInvoice[] = Array.from({ length: n }, (_, i) => ({
        ...t.invoice,
        invoiceId: `inv_raw${String(first + i).padStart(23, "0")}`,
        customerId: t.customerId,
        billingKeys: Array.from({ length: t.keysPerInvoice }, (_, k) => `raw:${first + i}:${k}`),
        position: first + i,
      }));
      const statements = blockIssueStatements(db, { franchiseId: r.franchiseId, branchId, runId: "raw", currency: t.currency, issueDate: t.issueDate, now, actor: "system:bench", invoices }, first + 1, (seq) => `RAW-${seq}`);
      await db.batch(statements.inserts as [Statement, ...Statement[]]);
      rows += invoices.reduce((sum, inv) => sum + 1 + inv.lines.length + 2 + inv.billingKeys.length, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    return Response.json({ rows, seconds, rowsPerSecond: Math.round(rows / seconds), rowsPerInvoice: 1 + t.invoice.lines.length + 2 + t.keysPerInvoice });
  },
};
