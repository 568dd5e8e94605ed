// Retention policies (how long, counted from the end of which period) and the active legal holds.
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { Card, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";

const START: Record<string, string> = { calendar_year_end: "end of the calendar year", calendar_quarter_end: "end of the quarter", annual_return_due: "annual return due date" };
const years = (months: number) => (months % 12 === 0 ? `${months / 12} years` : `${months} months`);

export function RetentionAndHolds() {
  const policies = useApi((signal) => ok(api.GET("/v1/retention/policies", { signal })), []);
  const holds = useApi((signal) => ok(api.GET("/v1/legal-holds", { params: { query: { active: "true", limit: 50 } }, signal })), []);
  return (
    <Card title="Retention and legal holds">
      {policies.error ? (
        <ErrorState error={policies.error} onRetry={policies.reload} />
      ) : !policies.data ? (
        <Loading rows={3} label="Loading retention policies" />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="retention-policies">
            <thead>
              <tr>
                <th>Market</th>
                <th>Documents</th>
                <th>Kept</th>
                <th>Counted from</th>
              </tr>
            </thead>
            <tbody>
              {policies.data.data.map((p) => (
                <tr key={`${p.jurisdiction}-${p.documentClass}`}>
                  <td className="mono">{p.jurisdiction}</td>
                  <td>{p.documentClass === "invoice" ? "Invoices" : "Books"}</td>
                  <td>{years(p.months)}</td>
                  <td className="small" title={p.source}>
                    {START[p.start.kind] ?? p.start.kind}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Active holds</h3>
      {holds.error ? (
        <ErrorState error={holds.error} onRetry={holds.reload} />
      ) : !holds.data ? (
        <Loading rows={2} label="Loading legal holds" />
      ) : holds.data.data.length === 0 ? (
        <Empty title="No legal holds">Archived documents are purged when their retention ends.</Empty>
      ) : (
        <ul className="list" data-testid="legal-holds">
          {holds.data.data.map((h) => (
            <li key={h.id}>
              <span className="mono">{h.documentId}</span>: {h.reason} <span className="muted small">set by {h.setBy} <InstantText at={h.setAt} /></span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
