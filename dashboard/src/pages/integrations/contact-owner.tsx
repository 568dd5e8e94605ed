// Who wins when a contact (name, email, tax number) is edited inside the ERP: the connection's
// contact owner. Administrators change it; everyone else reads it. An edit made on both sides
// always waits for review, whatever is chosen here.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useAction } from "../../lib/use-action.ts";
import { Field } from "../../ui/bits.tsx";
import type { Integration } from "./types.ts";

type Owner = Integration["contactOwner"];

const CHOICES: Array<[Owner, string]> = [
  ["review", "Ask someone (the conflict queue)"],
  ["erp", "Take the ERP's edit"],
  ["ledgerline", "Keep Ledgerline's details"],
];

/** Keeps the saved choice itself: reloading the page's integration list here would remount it and lose "Saved.". */
export function ContactOwnerPanel({ integration, providerName, canEdit }: { integration: Integration; providerName: string; canEdit: boolean }) {
  const [owner, setOwner] = useState<Owner>(integration.contactOwner);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const label = `When a contact is edited in ${providerName}`;
  if (!canEdit) {
    return (
      <p className="small">
        {label}: <strong>{CHOICES.find(([v]) => v === integration.contactOwner)?.[1] ?? integration.contactOwner}</strong>. An administrator can change this.
      </p>
    );
  }
  const save = () =>
    action.run(async () => {
      setSaved(false);
      const updated = await ok(api.PUT("/v1/integrations/{id}/contact-owner", { params: { path: { id: integration.id } }, body: { contactOwner: owner } }));
      setOwner(updated.contactOwner);
      setSaved(true);
    });
  return (
    <form
      aria-label="Contact edits"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label={label} error={action.fieldError("contactOwner")} hint="Edits made on both sides always wait for review">
        {(p) => (
          <select {...p} value={owner} onChange={(e) => setOwner(e.target.value as Owner)}>
            {CHOICES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="btn btn-sm" disabled={action.busy}>
        {action.busy ? "Saving…" : "Save"}
      </button>{" "}
      {saved && !action.busy && (
        <span className="small" role="status">
          Saved.
        </span>
      )}
      {action.generalError && <span className="error-text small">{action.generalError}</span>}
    </form>
  );
}
