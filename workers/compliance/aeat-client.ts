// The HTTP side of the AEAT VERI*FACTU service: POSTs one SOAP submission and says whether the
// answer is worth reading (a RespuestaRegFactuSistemaFacturacion or a SOAP Fault) or the call
// should be retried (5xx without a Fault, a timeout, a network error, an unreadable body).
// The base URL is AEAT_BASE_URL (the AEAT's test host by default; the local fake in npm start and
// the tests). Production also needs the qualified certificate (mTLS binding): not configured.
import { AEAT_SERVICE_PATH, parseSubmissionAnswer, type SubmissionAnswer } from "../domain/einvoice/aeat-soap.ts";

export type AeatCallResult = { ok: true; answer: Exclude<SubmissionAnswer, { kind: "unreadable" }> } | { ok: false; error: string };

export interface AeatEnv {
  AEAT_BASE_URL?: string;
  AEAT_TIMEOUT_MS?: string;
}

export async function postSubmission(env: AeatEnv, xml: string): Promise<AeatCallResult> {
  const timeoutMs = Number(env.AEAT_TIMEOUT_MS) > 0 ? Number(env.AEAT_TIMEOUT_MS) : 15_000;
  const url = `${(env.AEAT_BASE_URL || "https://prewww1.aeat.es").replace(/\/$/, "")}${AEAT_SERVICE_PATH}`;
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' }, body: xml, signal: AbortSignal.timeout(timeoutMs) });
    body = await response.text();
  } catch (e) {
    const name = (e as Error).name;
    return { ok: false, error: name === "TimeoutError" || name === "AbortError" ? `AEAT did not answer within ${timeoutMs} ms` : `AEAT unreachable: ${(e as Error).message}` };
  }
  const answer = parseSubmissionAnswer(body);
  if (answer.kind === "fault" && response.status < 600) return { ok: true, answer };
  if (answer.kind === "response" && response.ok) return { ok: true, answer };
  return { ok: false, error: `AEAT answered HTTP ${response.status}${answer.kind === "unreadable" ? ` (${answer.detail})` : ""}` };
}
