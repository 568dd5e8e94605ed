// Turns an Operation into a concrete request (path and query filled, JSON body) and reads the
// answer. Both suites send through here, straight into the Worker's fetch handler.
import { exports } from "cloudflare:workers";
import { type Operation, pathWith } from "./operations.ts";
import { exampleOf, idPrefixOf, type IdFor, validExampleOf } from "./schema-example.ts";

export interface Probe {
  method: string;
  /** Path with query string. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

/** Path, query and header parameters: required ones, plus any that hold ids (filters by customer, ...). */
export function parameterValues(op: Operation, idFor: IdFor, where: Operation["parameters"][number]["in"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters.filter((x) => x.in === where)) {
    if (!p.required && !idPrefixOf(p.schema)) continue;
    out[p.name] = String(exampleOf(p.schema, { idFor }, p.name));
  }
  return out;
}

/** The valid request of an operation for a given id source (A's real ids, or random ones). */
export function validProbe(op: Operation, idFor: IdFor, token: string | null): Probe {
  const query = new URLSearchParams(parameterValues(op, idFor, "query")).toString();
  const headers: Record<string, string> = { ...parameterValues(op, idFor, "header") };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const probe: Probe = { method: op.method, url: pathWith(op.path, parameterValues(op, idFor, "path")) + (query ? `?${query}` : ""), headers };
  if (op.body) {
    probe.body = JSON.stringify(validExampleOf(op.body.schema, { idFor, withOptionalIds: true }, op.key));
    probe.headers["content-type"] = "application/json";
  }
  return probe;
}

export async function send(probe: Probe, timeoutMs = 20_000): Promise<Answer> {
  const request = new Request(`http://ledgerline.test${probe.url}`, { method: probe.method, headers: probe.headers, body: probe.body ?? null });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const res = await Promise.race([exports.default.fetch(request), timeout]);
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, json };
  } finally {
    clearTimeout(timer);
  }
}

/** What every error answer must be: RFC 9457 problem+json with a stable code and a detail. */
export function problemDefect(answer: Answer): string | undefined {
  if (!answer.contentType.startsWith("application/problem+json")) return `content-type ${answer.contentType || "(none)"} instead of application/problem+json`;
  if (!answer.json || typeof answer.json.code !== "string" || typeof answer.json.detail !== "string" || answer.json.detail === "") return `problem body without code/detail: ${answer.text.slice(0, 200)}`;
  if (answer.json.status !== answer.status) return `problem status ${answer.json.status} differs from HTTP ${answer.status}`;
  return undefined;
}

export const describeProbe = (p: Probe) => `${p.method} ${p.url}${typeof p.body === "string" ? ` body=${p.body.length > 300 ? `${p.body.slice(0, 300)}…(${p.body.length} chars)` : p.body}` : p.body ? " body=<bytes/stream>" : ""}`;
