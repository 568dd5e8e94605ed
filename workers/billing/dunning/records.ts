// Shared by the dunning use cases: content hashes for the history and the event payloads.
import type { DisputeRow, PromiseRow } from "../../db/dunning.ts";

export async function contentHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export const disputePayload = (d: DisputeRow) => ({
  dispute: { id: d.id, invoiceId: d.invoiceId, customerId: d.customerId, reason: d.reason, openedAt: d.openedAt, resolvedAt: d.resolvedAt, resolution: d.resolution },
});

export const promisePayload = (p: PromiseRow) => ({ promiseToPay: { id: p.id, customerId: p.customerId, until: p.until, amount: p.amount, createdAt: p.createdAt } });
