// The operation walker: reads the Worker's own /openapi.json and lists every operation with its
// parameters, JSON body schema and effective security, `$ref`s resolved. The isolation and fuzz
// suites are generated from this list, so a route added to app.ts is covered the day it appears.
import { exports } from "cloudflare:workers";
import { READ_ONLY_POSTS } from "../../../workers/api/middleware/auth.ts";

export type JsonSchema = { [keyword: string]: any };

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** "POST /v1/invoices/{id}/issue": how the suites name an operation. */
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The application/json (or +json) request body, if the operation documents one. */
  body?: { schema: JsonSchema; required: boolean };
  /** Effective security requirements (the operation's, else the document's). */
  security: Array<Record<string, string[]>>;
  /** No credentials needed: `security: []`, or an empty requirement `{}` among the alternatives. */
  isPublic: boolean;
  /** Role names the security requirements ask for (OpenAPI 3.1 allows them for http schemes). */
  roles: string[];
  /** Needs the "write" scope: anything but GET/HEAD. */
  isWrite: boolean;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

export async function fetchOpenApi(): Promise<JsonSchema> {
  const res = await exports.default.fetch(new Request("http://ledgerline.test/openapi.json"));
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  return (await res.json()) as JsonSchema;
}

/** Inlines local `$ref`s (#/components/...). A recursive schema is cut at depth 8 to `{}` (anything). */
export function resolveRefs(doc: JsonSchema, node: unknown, depth = 0): any {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(doc, n, depth));
  if (node === null || typeof node !== "object") return node;
  const obj = node as JsonSchema;
  if (typeof obj.$ref === "string") {
    if (depth > 8) return {};
    if (!obj.$ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${obj.$ref}`);
    const target = obj.$ref
      .slice(2)
      .split("/")
      .reduce((at: any, part: string) => at?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    if (target === undefined) throw new Error(`dangling $ref ${obj.$ref}`);
    const { $ref: _ref, ...siblings } = obj;
    return resolveRefs(doc, { ...target, ...siblings }, depth + 1);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveRefs(doc, v, depth)]));
}

function jsonBodyOf(requestBody: any): Operation["body"] {
  if (!requestBody?.content) return undefined;
  const type = Object.keys(requestBody.content).find((t) => /^application\/(.+\+)?json\b/i.test(t));
  if (!type) throw new Error(`request body without a JSON content type: ${Object.keys(requestBody.content).join(", ")}; teach the walker this type`);
  return { schema: requestBody.content[type].schema ?? {}, required: requestBody.required === true };
}

export function operationsOf(rawDoc: JsonSchema): Operation[] {
  const doc = resolveRefs(rawDoc, rawDoc);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    const shared: Parameter[] = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // Operation-level parameters override path-level ones with the same (name, in).
      const byKey = new Map<string, Parameter>();
      for (const p of [...shared, ...(op.parameters ?? [])]) byKey.set(`${p.in}:${p.name}`, { ...p, required: p.required === true || p.in === "path", schema: p.schema ?? {} });
      const security: Operation["security"] = op.security ?? doc.security ?? [];
      const body = jsonBodyOf(op.requestBody);
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: [...byKey.values()],
        ...(body ? { body } : {}),
        security,
        isPublic: security.length === 0 || security.some((req) => Object.keys(req).length === 0),
        roles: [...new Set(security.flatMap((req) => Object.values(req).flat()))],
        // A POST that only computes (the dunning preview) needs the read scope only.
        isWrite: method !== "get" && method !== "head" && !(method === "post" && READ_ONLY_POSTS.has(path)),
      });
    }
  }
  return operations;
}

/** Role names that mean "admin only" (e.g. `security: [{ bearer: ["staff:admin"] }]`). */
export const isAdminOnly = (op: Operation) => op.roles.some((r) => /admin/i.test(r));

/** Fills `{name}` segments; values are URL-encoded. */
export function pathWith(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
