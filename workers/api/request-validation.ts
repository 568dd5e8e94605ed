// chanfana validates each request against z.strictObject({ params, query, headers, body }), and
// builds that object afresh on every request (OpenAPIRoute.validateRequest): ~1.5 % of the hot
// invoice read's CPU went to constructing zod schemas that never change. This installs the same
// validation with the combined schema built once per route class (and per "has a body"), keeping
// chanfana's semantics: unknown parameters refused unless the route opts out, and a ZodError
// becomes chanfana's MultiException of InputValidationExceptions, which our error handler turns
// into the RFC 9457 problem as before. Installed once, from app.ts.
import { InputValidationException, MultiException, OpenAPIRoute } from "chanfana";
import { z } from "zod";

type RequestSchema = { params?: z.ZodType; query?: z.ZodType; headers?: z.ZodType; body?: { content?: Record<string, { schema?: z.ZodType }> } };
interface RouteInstance {
  params?: { raiseUnknownParameters?: boolean };
  getSchemaZod(): { request?: RequestSchema };
  getUnvalidatedData(): Promise<unknown>;
}

const built = new WeakMap<object, Map<string, z.ZodType>>();
let installed = false;

function combinedSchema(route: RouteInstance, request: Request): z.ZodType {
  const withBody = !["get", "head"].includes(request.method.toLowerCase());
  const strict = route.params?.raiseUnknownParameters === undefined || route.params.raiseUnknownParameters === true;
  const key = `${withBody}:${strict}`;
  let perClass = built.get(route.constructor);
  if (!perClass) {
    perClass = new Map<string, z.ZodType>();
    built.set(route.constructor, perClass);
  }
  let schema = perClass.get(key);
  if (!schema) {
    const r = route.getSchemaZod().request;
    const shape: Record<string, z.ZodType> = {};
    if (r?.params) shape.params = r.params;
    if (r?.query) shape.query = r.query;
    if (r?.headers) shape.headers = r.headers;
    const body = r?.body?.content?.["application/json"]?.schema;
    if (withBody && body) shape.body = body;
    schema = strict ? z.strictObject(shape) : z.object(shape);
    perClass.set(key, schema);
  }
  return schema;
}

export function installCachedRequestValidation(): void {
  if (installed) return;
  installed = true;
  (OpenAPIRoute.prototype as unknown as { validateRequest(request: Request): Promise<unknown> }).validateRequest = async function (this: RouteInstance, request: Request) {
    const schema = combinedSchema(this, request);
    const unvalidated = await this.getUnvalidatedData();
    try {
      return await schema.parseAsync(unvalidated);
    } catch (e) {
      if (e instanceof z.ZodError) throw new MultiException(e.issues.map((issue) => new InputValidationException(issue.message, issue.path.map(String))));
      throw e;
    }
  };
}
