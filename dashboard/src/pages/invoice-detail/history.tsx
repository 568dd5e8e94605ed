// The invoice's event history (GET /v1/invoices/{id}/events): what happened, when, by whom, told
// from this invoice's side (a payment shows the part applied here). Reloads when the invoice's
// version changes, so an action taken on the page appears at once.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import type { Invoice, InvoiceEvent } from "../../api/types.ts";
import { useApi } from "../../lib/data.ts";
import { learnMinorUnits } from "../../lib/format.ts";
import { useSession } from "../../lib/session.ts";
import { Card, InstantText, Money } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";

const PAGE = 100;

async function loadPage(invoiceId: string, cursor: string | undefined, signal?: AbortSignal) {
  const page = await ok(api.GET("/v1/invoices/{id}/events", { params: { path: { id: invoiceId }, query: { limit: PAGE, cursor } }, signal }));
  for (const e of page.data) if (e.currency && e.minorUnits !== null) learnMinorUnits(e.currency, e.minorUnits);
  return page;
}

/** "staff:usr_…" → "You" or "Staff user", "api_key:key_…" → "API key", "system:outbox-relay" → "System (outbox relay)". */
function actorLabel(actor: string, myId: string | undefined): string {
  const [kind, rest = ""] = actor.split(":", 2);
  if (kind === "staff") return rest === myId ? "You" : "Staff user";
  if (kind === "api_key") return "API key";
  if (kind === "system") return rest ? `System (${rest.replaceAll(/[-_]/g, " ")})` : "System";
  return actor;
}

const KIND_ICON: Record<string, string> = { invoice: "•", payment: "+", credit_note: "-" };

export function InvoiceHistory({ invoice }: { invoice: Invoice }) {
  const me = useSession()?.user.id;
  const first = useApi((signal) => loadPage(invoice.id, undefined, signal), [invoice.id, invoice.version]);
  const [more, setMore] = useState<{ key: string; events: InvoiceEvent[]; cursor: string | null; busy: boolean }>({ key: "", events: [], cursor: null, busy: false });
  const key = `${invoice.id}:${invoice.version}`;
  const extra = more.key === key ? more : { key, events: [], cursor: null, busy: false };
  const events = [...(first.data?.data ?? []), ...extra.events];
  const nextCursor = extra.events.length ? extra.cursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!nextCursor) return;
    setMore({ ...extra, busy: true });
    try {
      const page = await loadPage(invoice.id, nextCursor);
      setMore({ key, events: [...extra.events, ...page.data], cursor: page.nextCursor, busy: false });
    } catch {
      setMore({ ...extra, busy: false });
    }
  };

  return (
    <Card title="History" actions={first.data && <span className="muted small">{events.length === 1 ? "1 event" : `${events.length} events`}</span>}>
      {first.error ? (
        <ErrorState error={first.error} onRetry={first.reload} />
      ) : !first.data ? (
        <Loading rows={3} label="Loading history" />
      ) : events.length === 0 ? (
        <Empty title="No events recorded">Changes made to this invoice, its payments and credit notes from now on are listed here (imported and demo-seeded invoices start without a history).</Empty>
      ) : (
        <>
          <ol className="timeline" aria-label="Invoice history" data-testid="invoice-history">
            {events.map((e) => (
              <li key={e.id} className={`timeline-item timeline-${e.aggregateType}`}>
                <span className="timeline-icon" aria-hidden="true">{KIND_ICON[e.aggregateType] ?? "•"}</span>
                <div className="timeline-body">
                  <div className="timeline-summary">
                    <span>{e.summary}</span>
                    {e.amount !== null && e.currency && <strong className="timeline-amount"><Money minor={e.amount} currency={e.currency} branchId={invoice.branchId} /></strong>}
                  </div>
                  <div className="muted small">
                    <InstantText at={e.occurredAt} branchId={invoice.branchId} /> · {actorLabel(e.actor, me)} · <span className="mono" title="Event type and position in the franchise's event stream">{e.type}{e.seq !== null ? ` #${e.seq}` : ""}</span>
                  </div>
                </div>
              </li>
            ))}
          </ol>
          {nextCursor && (
            <button type="button" className="btn btn-ghost" onClick={loadMore} disabled={extra.busy}>
              {extra.busy ? "Loading…" : "Show more"}
            </button>
          )}
        </>
      )}
    </Card>
  );
}
