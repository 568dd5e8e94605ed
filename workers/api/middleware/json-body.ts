// Reads a request body once, refusing what is too large (Content-Length first, then the stream
// is cut off at the limit: nothing beyond it is buffered), not UTF-8, not JSON, or holds strings
// with NUL or lone surrogates. chanfana would turn an unparsable body into {} and report missing
// fields instead. Keeps the text and the parsed value (idempotency fingerprints), and rebuilds
// the raw Request so later readers can read it again.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { findBadString } from "../json-text.ts";
import { HttpProblem } from "../problem.ts";

export const MAX_BODY_BYTES = 1_000_000;

const tooLarge = () => new HttpProblem(413, "body_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);

/** The body's bytes, or a 413 as soon as more than `limit` arrive (the rest is never read). */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("bodyJson", undefined);
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") {
    c.set("bodyText", "");
    return next();
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readLimited(c.req.raw.body, MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpProblem(400, "invalid_utf8", "the body is not valid UTF-8");
  }
  if (text.trim() !== "") {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      throw new HttpProblem(415, "unsupported_media_type", "send the body as application/json");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new HttpProblem(400, "malformed_json", `the body is not valid JSON: ${(e as Error).message}`);
    }
    const bad = findBadString(parsed);
    if (bad) {
      const message = `the string ${bad.reason}`;
      throw new HttpProblem(400, "invalid_string", `${bad.field}: ${message}`, { issues: [{ field: bad.field, message }] });
    }
    c.set("bodyJson", parsed);
  }
  c.set("bodyText", text);
  c.req.raw = new Request(c.req.raw, { body: text === "" ? null : text });
  return next();
};
