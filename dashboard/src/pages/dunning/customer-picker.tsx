// Choosing a customer for dunning views: the customers who have overdue invoices (the ones the
// cadence is chasing), by name, soonest due first.
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { customerName, useCustomerName } from "../../lib/names.ts";

async function overdueCustomers(signal: AbortSignal) {
  const page = await ok(api.GET("/v1/invoices", { params: { query: { overdue: "true", limit: 200 } }, signal }));
  // An issued invoice carries its buyer's name as issued: no lookup per customer.
  const byId = new Map<string, string | undefined>();
  for (const i of page.data) if (!byId.get(i.customerId)) byId.set(i.customerId, i.buyer?.name);
  const list = await Promise.all([...byId].map(async ([id, name]) => ({ id, name: name ?? (await customerName(id).catch(() => id)) })));
  return { list: list.sort((a, b) => a.name.localeCompare(b.name)), more: !!page.nextCursor };
}

export function CustomerPicker({ label, value, onChange, emptyLabel }: { label: string; value: string; onChange: (id: string) => void; emptyLabel: string }) {
  const customers = useApi(overdueCustomers, []);
  const list = customers.data?.list ?? [];
  const known = !value || list.some((c) => c.id === value);
  return (
    <label className="inline-field">
      <span>{label}</span>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} disabled={customers.loading && !customers.data}>
        <option value="">{customers.loading && !customers.data ? "Loading customers…" : emptyLabel}</option>
        {!known && <ChosenOption id={value} />}
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {customers.error ? <span className="error-text small">Customers could not be loaded.</span> : null}
    </label>
  );
}

/** A customer chosen by link who has nothing overdue now: still offered, by name. */
function ChosenOption({ id }: { id: string }) {
  const name = useCustomerName(id);
  return <option value={id}>{name || id}</option>;
}
