// The mapping screens: tax rates → tax codes, service types → accounts (and the payments bank
// account), currencies, customers → contacts. A missing mapping is what most failures ask for.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useAction } from "../../lib/use-action.ts";
import { humanize } from "../../lib/format.ts";
import { Empty } from "../../ui/states.tsx";
import type { Mapping } from "./types.ts";

const KINDS = ["tax", "account", "currency", "contact"] as const;
const HINTS: Record<(typeof KINDS)[number], string> = {
  tax: "<jurisdiction>:<category>:<rate ppm>, e.g. ES:standard:210000",
  account: "a service type id, default, or payments (the bank account)",
  currency: "ISO code, e.g. EUR",
  contact: "a customer id (cus_…)",
};

export function Mappings({ integrationId, mappings, canEdit, onSaved, providerName = "Xero" }: { integrationId: string; mappings: Mapping[]; canEdit: boolean; onSaved: () => void; providerName?: string }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]>("tax");
  const [localKey, setLocalKey] = useState("");
  const [remoteCode, setRemoteCode] = useState("");
  const action = useAction();
  const save = () =>
    action.run(async () => {
      await ok(api.PUT("/v1/integrations/{id}/mappings", { params: { path: { id: integrationId } }, body: { mappings: [{ kind, localKey: localKey.trim(), remoteCode: remoteCode.trim() }] } }));
      setLocalKey("");
      setRemoteCode("");
      onSaved();
    });
  return (
    <>
      {mappings.length === 0 ? (
        <Empty title="Nothing mapped yet">Map each tax rate to a {providerName} tax code and a default {providerName === "Xero" ? "revenue account" : "item"} before the first sync.</Empty>
      ) : (
        KINDS.filter((k) => mappings.some((m) => m.kind === k)).map((k) => (
          <div key={k} className="table-wrap">
            <table className="table">
              <caption className="small">{humanize(k)}</caption>
              <thead>
                <tr>
                  <th scope="col">Ledgerline</th>
                  <th scope="col">{providerName}</th>
                </tr>
              </thead>
              <tbody>
                {mappings
                  .filter((m) => m.kind === k)
                  .slice(0, 50)
                  .map((m) => (
                    <tr key={`${m.kind}:${m.localKey}`}>
                      <td className="mono small">{m.localKey}</td>
                      <td className="mono small">{m.remoteCode}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ))
      )}
      {canEdit && (
        <form
          className="form-row"
          aria-label="Add a mapping"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Kind{" "}
            <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Ledgerline key <input value={localKey} onChange={(e) => setLocalKey(e.target.value)} placeholder={HINTS[kind]} required />
          </label>
          <label>
            {providerName} code <input value={remoteCode} onChange={(e) => setRemoteCode(e.target.value)} required />
          </label>
          <button type="submit" className="btn btn-sm" disabled={action.busy}>
            {action.busy ? "Saving…" : "Save mapping"}
          </button>
          {action.generalError && <span className="error-text small">{action.generalError}</span>}
        </form>
      )}
    </>
  );
}
