// Integration resource types, from the generated OpenAPI paths.
import type { paths } from "../../api/schema.gen.ts";

type Json<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : never;

export type Integration = Ok<paths["/v1/integrations/{id}"]["get"]>;
export type IntegrationStatus = Ok<paths["/v1/integrations/{id}/status"]["get"]>;
export type LastError = IntegrationStatus["lastErrors"][number];
export type Conflict = Ok<paths["/v1/integrations/{id}/conflicts"]["get"]>["data"][number];
export type Mapping = Ok<paths["/v1/integrations/{id}/mappings"]["get"]>["data"][number];
