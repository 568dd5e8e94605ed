// Rebuilding the response of a change that committed under an Idempotency-Key but whose
// response was never stored (the worker died, the caller saw an error, or the response held a
// secret and was deliberately not kept). Keyed by the resource type the change recorded in its
// batch (workers/db/idempotency.ts); each entry renders the resource as the route did, with the
// route's success status.
import { getApiKey } from "../../db/api-keys.ts";
import { getCreditNote } from "../../db/credit-notes.ts";
import { getCustomer } from "../../db/customers.ts";
import { getInvoice } from "../../db/invoices.ts";
import { getPayment } from "../../db/payments.ts";
import { getRefund } from "../../db/customer-credit.ts";
import { refundResource } from "../resources/customer-credit.ts";
import { getBranch } from "../../db/reference-data.ts";
import { getStaffUser } from "../../db/staff.ts";
import { staffUserResource } from "../resources/staff.ts";
import { localDateAt } from "../../domain/dates.ts";
import { apiKeyResource } from "../resources/api-key.ts";
import { creditNoteResource } from "../resources/credit-note.ts";
import { customerETag, customerResource } from "../resources/customer.ts";
import { invoiceResource } from "../resources/invoice.ts";
import { paymentResource } from "../resources/payment.ts";
import { billing, type AppContext } from "../routes/route-context.ts";

type Rendered = { status: number; body: unknown; headers: Record<string, string> } | null | undefined;

async function invoice(c: AppContext, id: string, status: number): Promise<Rendered> {
  const ctx = billing(c);
  const found = await getInvoice(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) return null;
  const branch = await getBranch(ctx.db, ctx.franchiseId, found.invoice.branchId);
  const headers: Record<string, string> = { etag: `"v${found.invoice.version}"` };
  if (status === 201) headers.location = `/v1/invoices/${id}`;
  return { status, body: invoiceResource(found, localDateAt(ctx.clock.now(), branch?.timezone ?? "UTC")), headers };
}

async function staffUser(c: AppContext, id: string): Promise<Rendered> {
  const found = await getStaffUser(billing(c).db, c.get("principal").franchiseId, id);
  return found && { status: 200, body: staffUserResource(found), headers: {} };
}

const RENDERERS: Record<string, (c: AppContext, id: string) => Promise<Rendered>> = {
  "customer.created": async (c, id) => {
    const found = await getCustomer(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 201, body: customerResource(found), headers: { etag: customerETag(found.customer.version), location: `/v1/customers/${id}` } };
  },
  "invoice.drafted": (c, id) => invoice(c, id, 201),
  "invoice.issued": (c, id) => invoice(c, id, 200),
  "invoice.voided": (c, id) => invoice(c, id, 200),
  "credit_note.issued": async (c, id) => {
    const ctx = billing(c);
    const found = await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope);
    return found && { status: 201, body: creditNoteResource(found), headers: { location: `/v1/credit-notes/${id}` } };
  },
  "payment.allocated": async (c, id) => {
    const found = await getPayment(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 200, body: paymentResource(found), headers: {} };
  },
  "credit.applied": (c, id) => invoice(c, id, 200),
  "refund.recorded": async (c, id) => {
    const found = await getRefund(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 201, body: refundResource(found), headers: { location: `/v1/refunds/${id}` } };
  },
  "payment.recorded": async (c, id) => {
    const found = await getPayment(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 201, body: paymentResource(found), headers: { location: `/v1/payments/${id}` } };
  },
  // The secret was shown once, to the first response; a replay says so instead of showing it.
  "api_key.created": async (c, id) => {
    const found = await getApiKey(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 201, body: { ...apiKeyResource(found), key: null, keyShownOnce: true }, headers: {} };
  },
  "api_key.revoked": async () => ({ status: 204, body: undefined, headers: {} }),
  // As for API keys: the initial password was shown once and is never stored.
  "staff.created": async (c, id) => {
    const found = await getStaffUser(billing(c).db, c.get("principal").franchiseId, id);
    return found && { status: 201, body: { ...staffUserResource(found), initialPassword: null, passwordShownOnce: true }, headers: { location: `/v1/staff/${id}` } };
  },
  "staff.updated": (c, id) => staffUser(c, id),
  "staff.deactivated": (c, id) => staffUser(c, id),
};

/** The rebuilt response, or null when the resource type is unknown or the resource is gone. */
export async function renderCommitted(c: AppContext, resourceType: string, resourceId: string): Promise<Response | null> {
  const rendered = await RENDERERS[resourceType]?.(c, resourceId);
  if (!rendered) return null;
  if (rendered.body === undefined) return new Response(null, { status: rendered.status, headers: rendered.headers });
  return new Response(JSON.stringify(rendered.body), { status: rendered.status, headers: { "content-type": "application/json", ...rendered.headers } });
}
