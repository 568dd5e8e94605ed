// Checks a response the API sent against the OpenAPI document it serves: the status must be
// documented for the operation (only a 5xx may fall to `default`), the media type must be the
// documented one, documented headers that are always sent must be there, and a JSON body must
// match the documented schema. Runs in workerd (test/worker/openapi-contract.ts wraps every API
// call of the worker tests with it) and in Node (npm run smoke checks a running server with it),
// so the document cannot drift from the server.
import { Validator, type Schema } from "@cfworker/json-schema";

interface Operation {
  operationId?: string;
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: Schema }> }>;
}

interface Contract {
  components: Record<string, unknown>;
  routes: Array<{ pattern: RegExp; template: string; methods: Record<string, Operation> }>;
}

const ALWAYS_SENT = new Set(["X-Request-Id", "ETag", "Location", "WWW-Authenticate", "Allow"]);
const validators = new Map<Schema, Validator>();

interface OpenApiDocument {
  components: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
}

function contractOf(doc: OpenApiDocument): Contract {
  return {
    components: doc.components,
    routes: Object.entries(doc.paths).map(([template, methods]) => ({
      template,
      methods,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    })),
  };
}

function validatorFor(schema: Schema, components: Record<string, unknown>): Validator {
  let v = validators.get(schema);
  if (!v) {
    // Refs in the document are "#/components/...": give the schema the components as its root.
    v = new Validator({ ...schema, components } as Schema, "2020-12", false);
    validators.set(schema, v);
  }
  return v;
}

export type ContractCheck = (method: string, url: string, res: Response) => Promise<void>;

/**
 * A checker for responses of the server that served `doc`: it throws, naming the operation and
 * what is wrong, unless a response is what the document promises.
 */
export function contractChecker(doc: OpenApiDocument): ContractCheck {
  const c = contractOf(doc);
  return (method, url, res) => checkResponse(c, method, url, res);
}

async function checkResponse(c: Contract, method: string, url: string, res: Response): Promise<void> {
  const { pathname } = new URL(url);
  if (!pathname.startsWith("/v1/") && !["/health", "/auth/login", "/auth/logout"].includes(pathname)) return;
  const route = c.routes.find((r) => r.pattern.test(pathname));
  const op = route?.methods[method.toLowerCase()];
  const where = `${method} ${pathname} → ${res.status}`;
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const text = await res.text();
  if (!op) {
    // Not an operation of the document: only the generic refusals may answer.
    if (![401, 404, 405].includes(res.status) || mediaType !== "application/problem+json") throw new Error(`${where}: not in the OpenAPI document`);
    return;
  }
  const documented = op.responses[String(res.status)] ?? (res.status >= 500 ? op.responses.default : undefined);
  if (!documented) throw new Error(`${where}: status not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`);
  // Headers the document promises on every such response (Idempotent-Replayed and Retry-After
  // only appear in some cases, so they are not required here).
  for (const name of Object.keys(documented.headers ?? {})) {
    if (ALWAYS_SENT.has(name) && !res.headers.has(name)) throw new Error(`${where}: documented header ${name} missing`);
  }
  if (!documented.content) {
    if (text !== "") throw new Error(`${where}: documented without a body, but one was sent`);
    return;
  }
  const entry = documented.content[mediaType];
  if (!entry) throw new Error(`${where}: content type ${mediaType || "(none)"} not documented (documented: ${Object.keys(documented.content).join(", ")})`);
  // A text/* body (e.g. a signed note) is validated as the string it is; other non-JSON bodies
  // (an XML or PDF document) are checked by media type only.
  const isText = mediaType.startsWith("text/");
  if (!isText && !/[/+]json$/.test(mediaType)) return;
  const result = validatorFor(entry.schema, c.components).validate(isText ? text : JSON.parse(text));
  if (!result.valid) {
    const errors = result.errors.slice(0, 5).map((e) => `${e.instanceLocation}: ${e.error}`);
    throw new Error(`${where}: body does not match the documented schema of ${op.operationId}:\n  ${errors.join("\n  ")}`);
  }
}
