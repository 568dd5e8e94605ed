// Spain: the invoice's VERI*FACTU billing record (the AEAT's field names, the exact text
// hashed), its link to the previous record of the issuer's chain (HuellaAnterior), the QR the
// printed invoice carries (error correction M, the AEAT's verification URL) and the record's
// submission to the AEAT. Invoices outside Spain have no record: the panel says so briefly.
import qrcode from "qrcode-generator";
import { type ReactNode, useMemo } from "react";
import { api, ok } from "../../api/client.ts";
import { isProblem } from "../../api/problem.ts";
import { useApi } from "../../lib/data.ts";
import { humanize } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Card, Dl, InstantText } from "../../ui/bits.tsx";
import { ErrorState, Loading } from "../../ui/states.tsx";

const SUBMISSION_TONE: Record<string, string> = { accepted: "good", accepted_with_errors: "warn", rejected: "bad", failed: "bad", retrying: "warn", pending: "neutral", submitting: "info" };

function Qr({ url }: { url: string }) {
  const svg = useMemo(() => {
    const qr = qrcode(0, "M");
    qr.addData(url, "Byte");
    qr.make();
    return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  }, [url]);
  // The SVG is generated here from the URL (no outside markup).
  // biome-ignore lint/security/noDangerouslySetInnerHtml: markup built by qrcode-generator from our own URL
  return <div className="qr" role="img" aria-label="VERI*FACTU QR code" data-testid="verifactu-qr" dangerouslySetInnerHTML={{ __html: svg }} />;
}

interface Submission {
  status: string;
  attempts: number;
  lastError: string | null;
  errorCode: string | null;
  csv: string | null;
  submittedAt: string | null;
}

function SubmissionText({ s }: { s: Submission }) {
  return (
    <span data-testid="verifactu-submission">
      <span className={`badge badge-${SUBMISSION_TONE[s.status] ?? "neutral"}`}>{humanize(s.status)}</span>
      {s.attempts > 0 && <span className="muted small"> · {s.attempts === 1 ? "1 attempt" : `${s.attempts} attempts`}</span>}
      {s.csv && <span className="muted small"> · CSV <span className="mono">{s.csv}</span></span>}
      {(s.errorCode || s.lastError) && (
        <span className="small">
          {" "}
          · {s.errorCode && <span className="mono">{s.errorCode}</span>} {s.lastError}
        </span>
      )}
    </span>
  );
}

export function VerifactuPanel({ id }: { id: string }) {
  const vf = useApi((signal) => ok(api.GET("/v1/invoices/{id}/verifactu", { params: { path: { id } }, signal })), [id]);
  if (vf.error && isProblem(vf.error) && vf.error.status === 404) {
    return (
      <Card title="VERI*FACTU (Spain)">
        <p className="muted" data-testid="verifactu-none">
          No VERI*FACTU record: the invoice was not issued by a branch in Spain.
        </p>
      </Card>
    );
  }
  if (vf.error)
    return (
      <Card title="VERI*FACTU (Spain)">
        <ErrorState error={vf.error} onRetry={vf.reload} />
      </Card>
    );
  if (!vf.data)
    return (
      <Card title="VERI*FACTU (Spain)">
        <Loading rows={5} label="Loading the VERI*FACTU record" />
      </Card>
    );
  const { record, chain, qrUrl, submission, anulacion } = vf.data;
  const previous = chain.previous;
  return (
    <Card title="VERI*FACTU (Spain)" actions={<button type="button" className="btn" onClick={vf.reload}>Refresh</button>}>
      <div className="verifactu-grid">
        <Dl
          items={[
            ["Issuer (NIF)", <span key="Issuer (NIF)" className="mono">{record.IDEmisorFactura}</span>],
            ["Number", <span key="Number" className="mono">{record.NumSerieFactura}</span>],
            ["Issue date", record.FechaExpedicionFactura],
            ["Type", record.TipoFactura],
            ["Tax / total", `${record.CuotaTotal} / ${record.ImporteTotal}`],
            ["Registered", record.FechaHoraHusoGenRegistro],
            ["Huella", <span key="Huella" className="mono hash" data-testid="verifactu-huella">{record.Huella}</span>],
            [
              "Chain link",
              <span key="chain" data-testid="verifactu-chain">
                Record {chain.position} of {chain.issuer}
                {previous ? (
                  <>
                    {" "}· HuellaAnterior <span className="mono hash">{record.HuellaAnterior}</span> →{" "}
                    {previous.documentKind === "invoice" ? (
                      <Link href={`/compliance?invoice=${encodeURIComponent(previous.documentId)}`} data-testid="verifactu-previous">
                        {previous.type === "anulacion" ? "anulación of " : ""}
                        {previous.NumSerieFactura}
                      </Link>
                    ) : (
                      <span className="mono">credit note {previous.NumSerieFactura}</span>
                    )}
                  </>
                ) : (
                  " · the issuer's first record (HuellaAnterior empty)"
                )}
              </span>,
            ],
            ["AEAT submission", <SubmissionText key="AEAT submission" s={submission} />],
            ...(anulacion
              ? ([
                  ["Anulación", <span key="Anulación" className="mono hash">{anulacion.Huella}</span>],
                  ["Anulación submission", <SubmissionText key="Anulación submission" s={anulacion.submission} />],
                ] as Array<[string, ReactNode]>)
              : []),
          ]}
        />
        <figure className="qr-figure">
          <figcaption>QR tributario:</figcaption>
          <Qr url={qrUrl} />
          <p className="small">VERI*FACTU</p>
          <a className="small qr-url" href={qrUrl} target="_blank" rel="noreferrer">
            Check at the AEAT (test environment)
          </a>
        </figure>
      </div>
      {submission.submittedAt && (
        <p className="muted small">
          Last sent <InstantText at={submission.submittedAt} />.
        </p>
      )}
    </Card>
  );
}
