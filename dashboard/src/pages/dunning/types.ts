// Dunning resources as the page sees them, derived from the generated OpenAPI paths.
import type { paths } from "../../api/schema.gen.ts";

type Json<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : Op extends { responses: { 201: infer R } } ? Json<R> : never;
type Body<Op> = Op extends { requestBody: { content: { "application/json": infer T } } } ? T : never;

export type DunningSettings = Ok<paths["/v1/dunning/settings"]["get"]>;
export type Bucket = DunningSettings["buckets"][number];
export type Cadence = Ok<paths["/v1/dunning/cadences/{id}"]["get"]>;
export type CadenceInput = Body<paths["/v1/dunning/cadences/{id}"]["put"]>;
export type Step = CadenceInput["steps"][number];
export type Suppression = NonNullable<CadenceInput["suppression"]>;
export type Preview = Ok<paths["/v1/dunning/preview"]["post"]>;
export type PreviewRow = Preview["data"][number];
export type Communication = Ok<paths["/v1/customers/{id}/communications"]["get"]>["data"][number];
export type Escalation = Ok<paths["/v1/dunning/escalations"]["get"]>["data"][number];
export type ChannelName = Step["channels"][number];
export type EscalationAction = NonNullable<Step["escalations"]>[number];
