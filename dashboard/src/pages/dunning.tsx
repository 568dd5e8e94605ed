// The Dunning page (issue 7): cadence templates, aging buckets, one customer's schedule preview
// and communication timeline, and the escalations queue. The view lives in the URL (?view=…).
import type { ReactNode } from "react";
import { api, ok } from "../api/client.ts";
import { useApi } from "../lib/data.ts";
import { Link, useQueryState } from "../lib/router.tsx";
import { Card, PageHeader } from "../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { BucketsEditor } from "./dunning/buckets.tsx";
import { Cadences } from "./dunning/cadence-editor.tsx";
import { CustomerDunning } from "./dunning/customer-dunning.tsx";
import { CustomerPicker } from "./dunning/customer-picker.tsx";
import { Escalations } from "./dunning/escalations.tsx";

const VIEWS = { cadences: "Cadences", buckets: "Aging buckets", customer: "Customer", escalations: "Escalations" } as const;
type View = keyof typeof VIEWS;

export function Dunning() {
  const q = useQueryState();
  const raw = q.get("view");
  const view: View = raw && raw in VIEWS ? (raw as View) : "cadences";
  const settings = useApi((signal) => ok(api.GET("/v1/dunning/settings", { signal })), []);
  const customerId = q.get("customer") ?? "";

  let body: ReactNode;
  if (settings.error) body = <Card><ErrorState error={settings.error} onRetry={settings.reload} /></Card>;
  else if (!settings.data) body = <Card><Loading rows={8} label="Loading dunning settings" /></Card>;
  else if (view === "cadences") body = <Cadences buckets={settings.data.buckets} />;
  else if (view === "buckets") body = <BucketsEditor key={settings.data.updatedAt ?? "defaults"} settings={settings.data} onSaved={settings.reload} />;
  else if (view === "escalations") body = <Escalations />;
  else
    body = (
      <>
        <Card>
          <div className="toolbar">
            <CustomerPicker label="Customer" value={customerId} onChange={(id) => q.set({ customer: id || undefined })} emptyLabel="Choose a customer with overdue invoices" />
          </div>
        </Card>
        {customerId ? <CustomerDunning key={customerId} customerId={customerId} /> : <Card><Empty title="Choose a customer" icon="☺">See the exact reminders their cadence would send, with suppressions and reasons, and their communication history.</Empty></Card>}
      </>
    );

  return (
    <>
      <PageHeader title="Dunning" subtitle="How overdue customers are chased: cadences, aging buckets, each customer's schedule and history, escalations." />
      <nav className="dun-tabs" aria-label="Dunning views">
        {(Object.keys(VIEWS) as View[]).map((v) => {
          const params = new URLSearchParams({ view: v });
          if (v === "customer" && customerId) params.set("customer", customerId);
          return (
            <Link key={v} href={`/dunning?${params}`} className={`dun-tab ${v === view ? "active" : ""}`} aria-current={v === view ? "page" : undefined}>
              {VIEWS[v]}
            </Link>
          );
        })}
      </nav>
      {body}
    </>
  );
}
