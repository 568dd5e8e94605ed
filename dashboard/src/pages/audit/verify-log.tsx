// "Verify" checks the franchise's audit log in this browser, trusting nothing the server says about
// it: it fetches the export (every entry's exact leaf bytes and the signed checkpoints) and runs the
// same pure RFC 9162 verifier as `npm run verify-audit` (workers/domain/audit-verify.ts): root
// recomputed from the entries, each checkpoint's Ed25519 signature (WebCrypto), consistency between
// checkpoints. It reports exactly which check failed, and for which entry.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { describeError } from "../../api/problem.ts";
import { type AuditExportFile, type VerifyReport, verifyAuditExport } from "../../../../workers/domain/audit-verify.ts";
import { formatNumber } from "../../lib/format.ts";
import { Card } from "../../ui/bits.tsx";

const sha256 = (data: Uint8Array) => nobleSha256(data);
async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", publicKey as BufferSource, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify("Ed25519", key, signature as BufferSource, message as BufferSource);
}

export function VerifyLog() {
  const [state, setState] = useState<{ running: boolean; report?: VerifyReport; error?: string; checkpoints?: number }>({ running: false });

  async function run() {
    setState({ running: true });
    try {
      const file = (await ok(api.GET("/v1/audit/export"))) as unknown as AuditExportFile;
      const published = await ok(api.GET("/v1/audit/verifier-key"));
      const report = await verifyAuditExport(sha256, verifyEd25519, file, { verifierKey: published.verifierKey });
      setState({ running: false, report, checkpoints: file.checkpoints.length });
    } catch (error) {
      setState({ running: false, error: describeError(error) });
    }
  }

  const failed = state.report?.findings.filter((f) => !f.ok) ?? [];
  return (
    <Card
      title="Verify the audit log"
      actions={
        <button type="button" className="btn btn-primary" onClick={run} disabled={state.running}>
          {state.running ? "Verifying…" : "Verify"}
        </button>
      }
    >
      <p className="muted small">Recomputes the Merkle root from every entry and checks each signed checkpoint in this browser, against the published verifier key.</p>
      {state.error && (
        <p className="error-text" role="alert">
          {state.error}
        </p>
      )}
      {state.report && (
        <div data-testid="verify-result" role="status">
          {state.report.ok ? (
            <p className="badge badge-good">
              Verified: {formatNumber(state.report.size)} entries, {formatNumber(state.checkpoints ?? 0)} signed checkpoints
            </p>
          ) : (
            <>
              <p className="badge badge-bad">Verification failed</p>
              <ul data-testid="verify-failures">
                {failed.map((f) => (
                  <li key={`${f.check}-${f.index ?? ""}-${f.detail}`}>
                    <strong>{f.check}</strong>
                    {f.index !== undefined ? ` (entry ${f.index})` : ""}: {f.detail}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
