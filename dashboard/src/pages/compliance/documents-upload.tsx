// Check a seal against a file from disk: the document someone sent you (or a copy of it) and the
// seal's JWS (filled in from the invoice picked above, or pasted). Any one-byte change fails the
// signature check, and the page says so.
import { useState } from "react";
import { describeError } from "../../api/problem.ts";
import { Card } from "../../ui/bits.tsx";
import { VerifyOutcome } from "./documents-seal.tsx";
import { type VerifyResult, verifyBytes } from "./documents-verify.ts";

export function UploadVerify({ jws, number }: { jws: string | undefined; number?: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState<string | null>(null);
  const [state, setState] = useState<{ busy: boolean; result?: VerifyResult; error?: string }>({ busy: false });
  const seal = pasted ?? jws ?? "";
  const verify = async () => {
    if (!file || !seal.trim()) return;
    setState({ busy: true });
    try {
      setState({ busy: false, result: await verifyBytes(new Uint8Array(await file.arrayBuffer()), seal.trim()) });
    } catch (e) {
      setState({ busy: false, error: describeError(e) });
    }
  };
  return (
    <Card title="Verify an uploaded document">
      <p className="muted small">{number ? `Checked against the seal of ${number}, or paste another seal.` : "Choose the document file and paste its seal (the jws of GET …/seal)."}</p>
      <div className="upload-grid">
        <label className="inline-field">
          <span>Document file</span>
          <input type="file" accept=".xml,application/xml,text/xml" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="inline-field">
          <span>Seal (compact JWS)</span>
          <textarea rows={3} className="mono" value={seal} onChange={(e) => setPasted(e.target.value)} spellCheck={false} />
        </label>
      </div>
      <button type="button" className="btn" onClick={verify} disabled={!file || !seal.trim() || state.busy}>
        {state.busy ? "Verifying…" : "Verify upload"}
      </button>
      {state.result && <VerifyOutcome result={state.result} />}
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
    </Card>
  );
}
