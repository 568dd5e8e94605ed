// The audit log's entries, newest range first, filtered by aggregate, actor and type.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { Card, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";

export function EntryBrowser() {
  const [filters, setFilters] = useState({ aggregateId: "", actor: "", type: "" });
  const [applied, setApplied] = useState(filters);
  const entries = useApi(
    (signal) =>
      ok(
        api.GET("/v1/audit/entries", {
          params: { query: { limit: 50, aggregateId: applied.aggregateId || undefined, actor: applied.actor || undefined, type: applied.type || undefined } },
          signal,
        }),
      ),
    [applied.aggregateId, applied.actor, applied.type],
  );
  const field = (name: keyof typeof filters, label: string, placeholder: string) => (
    <label className="field-inline">
      <span className="small muted">{label}</span>
      <input className="input" value={filters[name]} placeholder={placeholder} onChange={(e) => setFilters({ ...filters, [name]: e.target.value })} />
    </label>
  );
  return (
    <Card title="Entries">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        {field("aggregateId", "Aggregate", "inv_…")}
        {field("actor", "Actor", "staff:usr_…")}
        {field("type", "Type", "tax_rate.changed")}
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      {entries.error ? (
        <ErrorState error={entries.error} onRetry={entries.reload} />
      ) : !entries.data ? (
        <Loading rows={4} label="Loading entries" />
      ) : entries.data.data.length === 0 ? (
        <Empty title="No entries">Nothing matches these filters.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="audit-entries">
            <thead>
              <tr>
                <th>#</th>
                <th>Type</th>
                <th>Aggregate</th>
                <th>Actor</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.data.map((e) => (
                <tr key={e.index}>
                  <td className="mono">{e.index}</td>
                  <td className="mono small">{e.fields?.type ?? "unreadable entry"}</td>
                  <td className="mono small">{e.fields ? `${e.fields.aggregateType} ${e.fields.aggregateId}` : "—"}</td>
                  <td className="mono small">{e.fields?.actor ?? "—"}</td>
                  <td>{e.fields ? <InstantText at={e.fields.occurredAt} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
