// The audit bench's Worker: the real AuditLog Durable Object behind two bench-only endpoints
// (never part of the product): POST /append?start&count appends synthetic events in one RPC;
// GET /tree answers the tree size. Proofs are read through the same RPCs the API uses.
import type { AuditEvent } from "../../workers/domain/audit-entry.ts";

import { AuditLog as ProductAuditLog } from "../../durable-objects/audit-log.ts";

/** The product object plus bench-only loops that run many proofs inside it: the object's own time per proof, without the Worker→DO hop. */
export class AuditLog extends ProductAuditLog {
  async benchProofs(kind: "inclusion" | "consistency", size: number, count: number): Promise<boolean> {
    for (let i = 0; i < count; i++) {
      const r = kind === "inclusion" ? await this.inclusion((i * 7919 * 104729) % size, size) : await this.consistency(1 + ((i * 104729) % (size - 1)), size);
      if (!r.ok) return false;
    }
    return true;
  }
}

const FRANCHISE = "fr_bench0000000000000000000000";

interface BenchEnv {
  AUDIT_LOG: DurableObjectNamespace<AuditLog>;
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const log = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(FRANCHISE));
    const n = (k: string) => Number(url.searchParams.get(k) ?? "0");
    if (url.pathname === "/append") {
      const events: AuditEvent[] = Array.from({ length: n("count") }, (_, i) => {
        const k = n("start") + i;
        return { eventId: `evt_bench_${k}`, type: "invoice.issued", aggregateType: "invoice", aggregateId: `inv_${k % 5000}`, actor: "api_key:key_bench", occurredAt: "2026-03-01T00:00:00.000Z", seq: k + 1, payload: { k } };
      });
      return Response.json(await log.append(FRANCHISE, events));
    }
    // `count` proofs in one request, so the HTTP round trip (slow under wrangler dev) is amortised.
    if (url.pathname === "/inclusion") {
      const size = n("size");
      for (let i = 0; i < n("count"); i++) if (!(await log.inclusion((i * 7919 * 104729) % size, size)).ok) return new Response("refused", { status: 500 });
      return Response.json({ ok: true });
    }
    if (url.pathname === "/consistency") {
      const to = n("to");
      for (let i = 0; i < n("count"); i++) if (!(await log.consistency(1 + ((i * 104729) % (to - 1)), to)).ok) return new Response("refused", { status: 500 });
      return Response.json({ ok: true });
    }
    if (url.pathname === "/in-object") {
      const kind = url.searchParams.get("kind") === "consistency" ? "consistency" : "inclusion";
      return (await log.benchProofs(kind, n("size"), n("count"))) ? Response.json({ ok: true }) : new Response("refused", { status: 500 });
    }
    if (url.pathname === "/noop") {
      for (let i = 0; i < n("count"); i++) await log.treeSize();
      return Response.json({ ok: true });
    }
    if (url.pathname === "/tree") return Response.json({ size: await log.treeSize() });
    return new Response("not found", { status: 404 });
  },
};
