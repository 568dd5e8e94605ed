// The conflict review queue: per field, the value at the last sync, ours now and the ERP's now,
// and a choice of which one wins.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useAction } from "../../lib/use-action.ts";
import { humanize } from "../../lib/format.ts";
import { InstantText } from "../../ui/bits.tsx";
import type { Conflict } from "./types.ts";

const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "number" ? (v / 100).toFixed(2) : String(v));

export function ConflictReview({ integrationId, conflict, canResolve, onResolved, providerName = "Xero" }: { integrationId: string; conflict: Conflict; canResolve: boolean; onResolved: () => void; providerName?: string }) {
  const fields = Object.keys(conflict.ours);
  const [choices, setChoices] = useState<Record<string, "ours" | "theirs">>({});
  const action = useAction();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const resolve = () =>
    action.run(async () => {
      await ok(api.POST("/v1/integrations/{id}/conflicts", { params: { path: { id: integrationId } }, headers: { "idempotency-key": idempotencyKey }, body: { conflictId: conflict.id, choices } }));
      onResolved();
    });
  return (
    <section className="conflict" aria-label={`Conflict on ${humanize(conflict.fieldGroup)}`}>
      <p className="small">
        {/* A contact edit can wait for review when only the ERP changed it (contact owner "review"). */}
        <strong>{humanize(conflict.fieldGroup)}</strong> {conflict.fieldGroup === "contact" ? `edited in ${providerName}: keep which?` : "changed on both sides"} · <InstantText at={conflict.createdAt} />
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">Three-way comparison</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Last synced</th>
              <th scope="col">Ledgerline</th>
              <th scope="col">{providerName}</th>
              {canResolve && <th scope="col">Keep</th>}
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f}>
                <th scope="row">{humanize(f)}</th>
                <td className="mono">{show(conflict.base[f])}</td>
                <td className="mono">{show(conflict.ours[f])}</td>
                <td className="mono">{show(conflict.theirs[f])}</td>
                {canResolve && (
                  <td>
                    {(["ours", "theirs"] as const).map((side) => (
                      <label key={side} className="radio">
                        <input type="radio" name={`${conflict.id}-${f}`} checked={choices[f] === side} onChange={() => setChoices({ ...choices, [f]: side })} /> {side === "ours" ? "Ledgerline" : providerName}
                      </label>
                    ))}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canResolve && (
        <p>
          <button type="button" className="btn btn-sm" disabled={action.busy || fields.some((f) => !choices[f])} onClick={resolve}>
            {action.busy ? "Resolving…" : "Resolve"}
          </button>{" "}
          {action.generalError && <span className="error-text small">{action.generalError}</span>}
        </p>
      )}
    </section>
  );
}
