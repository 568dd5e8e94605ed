// A local audit-log witness: the franchise's webhook that receives every signed checkpoint
// (durable-objects/audit-log.ts posts to <AUDIT_WITNESS_URL>/checkpoints/<franchiseId>). It keeps
// what it was sent and, like a C2SP witness, refuses (409) a checkpoint that would roll the log
// back: a smaller size than one it holds, or another root for a size it holds.
// Control surface: GET /_fake/checkpoints/<franchiseId> (what it holds, oldest first),
// GET /_fake/received/<franchiseId> (every note posted, refused ones included),
// GET /_fake/headers/<franchiseId> (the headers of the last checkpoint posted, e.g. Ledgerline-Signature),
// POST /_fake/fault {"status": 503} (answer that status until cleared with {"status": null}).
import type { FakeDefinition } from "./fake-server.ts";

interface Held {
  size: number;
  root: string;
  note: string;
}

export const witnessFake: FakeDefinition = {
  name: "witness",
  standsInFor: "a franchise's audit checkpoint witness (webhook)",
  envVar: "AUDIT_WITNESS_URL",
  purpose: "records signed audit checkpoints; 409 on a rollback; GET /_fake/checkpoints/<franchiseId>",
  create() {
    const held = new Map<string, Held[]>();
    const received = new Map<string, string[]>();
    const lastHeaders = new Map<string, Record<string, string>>();
    let fault: number | null = null;
    return async (request) => {
      const url = new URL(request.url);
      const control = /^\/_fake\/checkpoints\/([^/]+)$/.exec(url.pathname);
      if (control && request.method === "GET") return Response.json(held.get(decodeURIComponent(control[1]!)) ?? []);
      const log = /^\/_fake\/received\/([^/]+)$/.exec(url.pathname);
      if (log && request.method === "GET") return Response.json(received.get(decodeURIComponent(log[1]!)) ?? []);
      const headersOf = /^\/_fake\/headers\/([^/]+)$/.exec(url.pathname);
      if (headersOf && request.method === "GET") return Response.json(lastHeaders.get(decodeURIComponent(headersOf[1]!)) ?? null);
      if (url.pathname === "/_fake/fault" && request.method === "POST") {
        fault = ((await request.json()) as { status: number | null }).status;
        return Response.json({ fault });
      }
      const post = /^\/checkpoints\/([^/]+)$/.exec(url.pathname);
      if (!post || request.method !== "POST") return new Response("not found", { status: 404 });
      if (fault !== null) return new Response("injected fault", { status: fault });
      const note = await request.text();
      const franchise = decodeURIComponent(post[1]!);
      received.set(franchise, [...(received.get(franchise) ?? []), note]);
      lastHeaders.set(franchise, Object.fromEntries(request.headers));
      const [, sizeText, root] = note.split("\n");
      const size = Number(sizeText);
      if (!Number.isSafeInteger(size) || !root) return new Response("not a checkpoint", { status: 400 });
      const list = held.get(franchise) ?? [];
      const newest = list[list.length - 1];
      const same = list.find((h) => h.size === size);
      if ((newest && size < newest.size) || (same && same.root !== root)) return new Response("rollback: inconsistent with a checkpoint already witnessed", { status: 409 });
      if (!same) list.push({ size, root, note });
      held.set(franchise, list);
      return new Response("ok", { status: 200 });
    };
  },
};
