// Tax-rate changes: alerts, the feed's pending changes (approve / reject), upcoming periods
// already in the table, and the decided ones. Staff admins only (the API refuses others).
import { useState } from "react";
import { api, done, ok } from "../../api/client.ts";
import { describeError } from "../../api/problem.ts";
import { useApi } from "../../lib/data.ts";
import { Card, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";

const percent = (ppm: number) => `${(ppm / 10_000).toLocaleString(undefined, { maximumFractionDigits: 4 })} %`;
const period = (from: string, to: string | null) => (to ? `${from} → ${to}` : `from ${from}`);

export function TaxChanges() {
  const changes = useApi((signal) => ok(api.GET("/v1/tax-rates/changes", { params: { query: { limit: 100 } }, signal })), []);
  const alerts = useApi((signal) => ok(api.GET("/v1/tax-rates/alerts", { signal })), []);
  const rates = useApi((signal) => ok(api.GET("/v1/tax-rates", { params: { query: {} }, signal })), []);
  const [message, setMessage] = useState<string | null>(null);
  const today = new Date().toISOString().slice(0, 10);
  const reload = () => {
    changes.reload();
    alerts.reload();
    rates.reload();
  };
  async function decide(id: string, action: "approve" | "reject") {
    setMessage(null);
    try {
      if (action === "approve") await done(api.POST("/v1/tax-rates/changes/{id}/approve", { params: { path: { id } } }));
      else {
        const reason = window.prompt("Why reject this change?")?.trim();
        if (!reason) return;
        await done(api.POST("/v1/tax-rates/changes/{id}/reject", { params: { path: { id } }, body: { reason } }));
      }
      setMessage(action === "approve" ? "Change approved and applied to the rate table." : "Change rejected.");
      reload();
    } catch (error) {
      setMessage(describeError(error));
    }
  }

  if (changes.error) return <Card title="Tax-rate changes"><ErrorState error={changes.error} onRetry={reload} /></Card>;
  if (!changes.data || !alerts.data || !rates.data) return <Card title="Tax-rate changes"><Loading rows={3} label="Loading tax-rate changes" /></Card>;
  const pending = changes.data.data.filter((c) => c.status === "pending");
  const decided = changes.data.data.filter((c) => c.status !== "pending");
  const upcoming = rates.data.data.filter((r) => r.effectiveFrom > today);
  return (
    <Card title="Tax-rate changes">
      {message && <p className="flash" role="status">{message}</p>}
      {alerts.data.data.length > 0 && (
        <ul className="alerts" data-testid="tax-alerts">
          {alerts.data.data.map((a) => (
            <li key={`${a.kind}-${a.jurisdiction}-${a.category}-${a.changeId ?? a.date}`} className="error-text">
              {a.kind === "change_due_soon" ? `${a.jurisdiction} ${a.category}: a pending change takes effect on ${a.effectiveFrom} (in ${a.daysLeft} days)` : `${a.jurisdiction} ${a.category}: no rate from ${a.date}`}
            </li>
          ))}
        </ul>
      )}
      <h3>Pending approval</h3>
      {pending.length === 0 ? (
        <Empty title="Nothing to approve">The rate feed has proposed no new change.</Empty>
      ) : (
        <ul className="list" data-testid="tax-pending">
          {pending.map((c) => (
            <li key={c.id}>
              <span className="mono">{c.jurisdiction}</span> {c.category} {percent(c.ratePpm)} {period(c.effectiveFrom, c.effectiveTo)} <span className="muted small">({c.source})</span>{" "}
              <button type="button" className="btn btn-sm btn-primary" onClick={() => decide(c.id, "approve")} aria-label={`Approve ${c.jurisdiction} ${percent(c.ratePpm)} ${c.effectiveFrom}`}>
                Approve
              </button>{" "}
              <button type="button" className="btn btn-sm" onClick={() => decide(c.id, "reject")} aria-label={`Reject ${c.jurisdiction} ${percent(c.ratePpm)} ${c.effectiveFrom}`}>
                Reject…
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Upcoming</h3>
      {upcoming.length === 0 ? (
        <p className="muted small">No future-dated rate in the table.</p>
      ) : (
        <ul className="list" data-testid="tax-upcoming">
          {upcoming.map((r) => (
            <li key={r.id}>
              <span className="mono">{r.jurisdiction}</span> {r.category} {percent(r.ratePpm)} {period(r.effectiveFrom, r.effectiveTo)}
            </li>
          ))}
        </ul>
      )}
      <h3>Decided</h3>
      {decided.length === 0 ? (
        <p className="muted small">No change decided yet.</p>
      ) : (
        <ul className="list" data-testid="tax-decided">
          {decided.map((c) => (
            <li key={c.id}>
              <span className="mono">{c.jurisdiction}</span> {c.category} {percent(c.ratePpm)} {period(c.effectiveFrom, c.effectiveTo)}: {c.status === "approved" ? "applied" : `rejected (${c.decisionReason ?? ""})`} by {c.decidedBy ?? "—"} <InstantText at={c.decidedAt} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
