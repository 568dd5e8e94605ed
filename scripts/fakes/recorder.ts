// Shared control surface of the messaging fakes: every accepted request is recorded, and
// POST /_fake/faults { status, code?, count } makes the next `count` sends fail that way.
export interface Recorded {
  at: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  id: string;
}

export interface Fault {
  status: number;
  code?: number;
  count: number;
}

export function recorder() {
  const requests: Recorded[] = [];
  const faults: Fault[] = [];
  let seq = 0;
  return {
    requests,
    nextId: () => String(++seq).padStart(8, "0"),
    record: (r: Recorded) => requests.push(r),
    takeFault(): Fault | undefined {
      const f = faults[0];
      if (!f) return undefined;
      f.count -= 1;
      if (f.count <= 0) faults.shift();
      return f;
    },
    /** The /_fake/* control routes; undefined when the path is not one. */
    async control(request: Request, path: string): Promise<Response | undefined> {
      if (path === "/_fake/requests") return Response.json({ data: requests });
      // A count without the bodies (benches poll it while thousands are recorded).
      if (path === "/_fake/count") {
        const suffix = new URL(request.url).searchParams.get("toSuffix");
        const to = (r: Recorded) => (r.body as { to?: unknown } | null)?.to;
        return Response.json({ count: suffix === null ? requests.length : requests.filter((r) => [to(r)].flat().some((t) => typeof t === "string" && t.endsWith(suffix))).length });
      }
      if (path === "/_fake/reset" && request.method === "POST") {
        requests.length = 0;
        faults.length = 0;
        return Response.json({ ok: true });
      }
      if (path === "/_fake/faults" && request.method === "POST") {
        const f = (await request.json()) as Fault;
        faults.push({ status: f.status, code: f.code, count: Math.max(1, f.count ?? 1) });
        return Response.json({ ok: true, pending: faults.length });
      }
      return undefined;
    },
  };
}

export const headersOf = (request: Request) => Object.fromEntries(request.headers);
