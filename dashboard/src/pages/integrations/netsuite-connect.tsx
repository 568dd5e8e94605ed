// Connecting NetSuite: no consent screen. An administrator creates an integration record in
// NetSuite, maps our certificate under OAuth 2.0 Client Credentials (M2M) Setup, and types the
// account id, client id and certificate id here; the connection is proven with a token at once,
// and a refusal shows what to fix in NetSuite next to the field it concerns.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useAction } from "../../lib/use-action.ts";

export function NetSuiteConnect({ onConnected, submitLabel = "Connect NetSuite" }: { onConnected: () => void; submitLabel?: string }) {
  const [accountId, setAccountId] = useState("");
  const [clientId, setClientId] = useState("");
  const [certificateId, setCertificateId] = useState("");
  const action = useAction();
  const connect = () =>
    action.run(async () => {
      await ok(api.POST("/v1/integrations", { body: { provider: "netsuite", accountId: accountId.trim(), clientId: clientId.trim(), certificateId: certificateId.trim() } }));
      onConnected();
    });
  const field = (label: string, value: string, set: (v: string) => void, name: string, placeholder: string) => (
    <label>
      {label} <input name={name} value={value} onChange={(e) => set(e.target.value)} placeholder={placeholder} required autoComplete="off" />
      {action.fieldError(name) && <span className="error-text small"> {action.fieldError(name)}</span>}
    </label>
  );
  return (
    <form
      className="form-row"
      aria-label="Connect NetSuite"
      onSubmit={(e) => {
        e.preventDefault();
        void connect();
      }}
    >
      {field("Account id", accountId, setAccountId, "accountId", "1234567 or 1234567_SB1")}
      {field("Client id", clientId, setClientId, "clientId", "from the integration record")}
      {field("Certificate id", certificateId, setCertificateId, "certificateId", "from M2M Setup")}
      <button type="submit" className="btn" disabled={action.busy}>
        {action.busy ? "Connecting NetSuite…" : submitLabel}
      </button>
      {action.generalError && <span className="error-text small">{action.generalError}</span>}
    </form>
  );
}
