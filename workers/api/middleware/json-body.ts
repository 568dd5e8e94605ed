// Reads a request body once, rejects what is not JSON with a clear problem (chanfana would turn
// an unparsable body into {} and report missing fields instead), and keeps the text for
// idempotency hashing. The raw Request is rebuilt so later readers can read it again.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { HttpProblem } from "../problem.ts";

export const MAX_BODY_BYTES = 1_000_000;

export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") {
    c.set("bodyText", "");
    return next();
  }
  // Bytes, not .text(): the content type is only checked once we know there is a body.
  const text = new TextDecoder().decode(await c.req.raw.arrayBuffer());
  if (text.length > MAX_BODY_BYTES) throw new HttpProblem(413, "body_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);
  if (text.trim() !== "") {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      throw new HttpProblem(415, "unsupported_media_type", "send the body as application/json");
    }
    try {
      JSON.parse(text);
    } catch (e) {
      throw new HttpProblem(400, "malformed_json", `the body is not valid JSON: ${(e as Error).message}`);
    }
  }
  c.set("bodyText", text);
  c.req.raw = new Request(c.req.raw, { body: text === "" ? null : text });
  return next();
};
