// The invoice's platform seal (key id, SHA-256, sealing time), checked in place against the
// bytes the API serves, and its archive copy's status and integrity.
import { type ReactNode, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { describeError } from "../../api/problem.ts";
import { type Loaded, useApi } from "../../lib/data.ts";
import { Card, Dl, InstantText } from "../../ui/bits.tsx";
import { ErrorState, Loading } from "../../ui/states.tsx";
import { CHECK_LABEL, servedDocument, type VerifyResult, verifyBytes } from "./documents-verify.ts";

interface Seal {
  jws: string;
  kid: string;
  sha256: string;
  sealedAt: string;
}

export function VerifyOutcome({ result }: { result: VerifyResult }) {
  return result.valid ? (
    <p className="verify-result verify-ok" role="status" data-testid="verify-result">
      <span className="badge badge-good">Valid</span> The seal verifies with key <span className="mono">{result.kid}</span> over these exact bytes.
    </p>
  ) : (
    <div className="verify-result verify-bad" role="status" data-testid="verify-result">
      <p>
        <span className="badge badge-bad">Invalid</span> Failed check: <strong>{CHECK_LABEL[result.failedCheck ?? ""] ?? result.failedCheck ?? "unknown"}</strong>
      </p>
      {result.detail && <p className="muted small">{result.detail}</p>}
      <p className="muted small">
        SHA-256 of the checked bytes: <span className="mono hash">{result.sha256}</span>
      </p>
    </div>
  );
}

export function SealPanel({ id, seal }: { id: string; seal: Loaded<Seal> }) {
  const archive = useApi((signal) => ok(api.GET("/v1/invoices/{id}/archive", { params: { path: { id } }, signal })), [id]);
  const [check, setCheck] = useState<{ busy: boolean; result?: VerifyResult; error?: string }>({ busy: false });
  const verify = async () => {
    if (!seal.data) return;
    setCheck({ busy: true });
    try {
      setCheck({ busy: false, result: await verifyBytes(await servedDocument(id), seal.data.jws) });
    } catch (e) {
      setCheck({ busy: false, error: describeError(e) });
    }
  };
  return (
    <div className="grid-2">
      <Card title="Platform seal" actions={seal.data && <button type="button" className="btn" onClick={verify} disabled={check.busy}>{check.busy ? "Verifying…" : "Verify in place"}</button>}>
        {seal.error ? (
          <ErrorState error={seal.error} onRetry={seal.reload} />
        ) : !seal.data ? (
          <Loading rows={3} label="Loading the seal" />
        ) : (
          <>
            <Dl
              items={[
                ["Key id", <span key="Key id" className="mono" data-testid="seal-kid">{seal.data.kid}</span>],
                ["SHA-256", <span key="SHA-256" className="mono hash" data-testid="seal-sha256">{seal.data.sha256}</span>],
                ["Sealed at", <InstantText key="Sealed at" at={seal.data.sealedAt} />],
              ]}
            />
            <p className="muted small">Ed25519 detached JWS over the document bytes; public keys at /.well-known/jwks.json. Tamper-evident and verifiable, not a qualified signature.</p>
          </>
        )}
        {check.result && <VerifyOutcome result={check.result} />}
        {check.error && (
          <p className="field-error" role="alert">
            {check.error}
          </p>
        )}
      </Card>
      <Card title="Archive">
        {archive.error ? (
          <ErrorState error={archive.error} onRetry={archive.reload} />
        ) : !archive.data ? (
          <Loading rows={3} label="Loading the archive status" />
        ) : archive.data.status === "not_archived" ? (
          <p data-testid="archive-status">
            <span className="badge badge-neutral">Not archived yet</span> The document is rendered from the frozen invoice until the archive job stores it.
          </p>
        ) : (
          <Dl
            items={[
              ["Status", <span key="Status" data-testid="archive-status">{archive.data.integrity === "ok" ? <span className="badge badge-good">Archived · integrity OK</span> : <span className="badge badge-bad">Integrity {archive.data.integrity}</span>}</span>],
              ["Archived at", <InstantText key="Archived at" at={archive.data.archivedAt} />],
              ["Object key", <span key="Object key" className="mono hash">{archive.data.documentKey ?? "—"}</span>],
              ...(archive.data.actualSha256 ? ([["Stored bytes hash to", <span key="Stored bytes hash to" className="mono hash">{archive.data.actualSha256}</span>]] as Array<[string, ReactNode]>) : []),
            ]}
          />
        )}
      </Card>
    </div>
  );
}
