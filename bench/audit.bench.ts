// npm run bench -- audit [--entries 1000000] [--batch 2000]: appends that many entries to one
// franchise's AuditLog Durable Object (real workerd + SQLite under wrangler dev), then measures
// inclusion and consistency proofs at that size (round trip through the Worker, so an upper
// bound on the object's own time). Last line: { appendsPerSecond, entries, inclusionProofMs, consistencyProofMs }.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "./local-worker.ts";

const arg = (args: string[], name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const entries = arg(args, "entries", 1_000_000);
  const batch = arg(args, "batch", 2000);
  const port = arg(args, "port", 8790 + Math.floor(Math.random() * 100));
  const dir = mkdtempSync(join(tmpdir(), "ledgerline-audit-bench-"));
  const child = spawn(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "dev", "-c", "bench/audit/wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--log-level", "error"], { stdio: "ignore", detached: true });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/tree`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error("the bench worker did not start within 90 s");
      await new Promise((r) => setTimeout(r, 300));
    }
    const t0 = performance.now();
    for (let start = 0; start < entries; start += batch) {
      // Appends are idempotent by event id, so a batch the dev server dropped (a restart) is simply sent again.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${base}/append?start=${start}&count=${Math.min(batch, entries - start)}`, { method: "POST" });
        if (res.ok) break;
        if (attempt >= 5 || res.status !== 503) throw new Error(`append failed: ${res.status} ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (start % 100_000 === 0) console.error(`[audit bench] ${start} entries`);
    }
    const appendSeconds = (performance.now() - t0) / 1000;
    const size = ((await (await fetch(`${base}/tree`)).json()) as { size: number }).size;
    if (size !== entries) throw new Error(`tree size ${size}, expected ${entries}`);
    // Each sample: `per` proofs in one request, minus a no-op request's round trip, divided by `per`.
    const per = 100;
    const time = async (path: string) => {
      const s0 = performance.now();
      await fetch(`${base}/tree`);
      const overhead = performance.now() - s0;
      const s = performance.now();
      const r = await fetch(`${base}${path}&count=${per}`);
      if (!r.ok) throw new Error(`${path} refused`);
      return Math.max(0, performance.now() - s - overhead) / per;
    };
    const inclusion: number[] = [];
    // The same requests with a no-op RPC (treeSize) per iteration: what the Worker→DO hop itself costs.
    const rpc: number[] = [];
    // Many proofs inside one call to the object: its own time per proof, without the hop.
    const inObject: { inclusion: number[]; consistency: number[] } = { inclusion: [], consistency: [] };
    const consistency: number[] = [];
    for (let i = 0; i < 10; i++) {
      inclusion.push(await time(`/inclusion?size=${size}`));
      consistency.push(await time(`/consistency?to=${size}`));
      rpc.push(await time(`/noop?x=1`));
      inObject.inclusion.push(await time(`/in-object?kind=inclusion&size=${size}`));
      inObject.consistency.push(await time(`/in-object?kind=consistency&size=${size}`));
    }
    inObject.inclusion.sort((a, b) => a - b);
    inObject.consistency.sort((a, b) => a - b);
    rpc.sort((a, b) => a - b);
    inclusion.sort((a, b) => a - b);
    consistency.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      appendsPerSecond: Math.round(entries / appendSeconds),
      entries: size,
      inclusionProofMs: round(percentile(inclusion, 50)),
      consistencyProofMs: round(percentile(consistency, 50)),
      inclusionProofP99Ms: round(percentile(inclusion, 99)),
      consistencyProofP99Ms: round(percentile(consistency, 99)),
      rpcRoundTripMs: round(percentile(rpc, 50)),
      inclusionProofInObjectMs: round(percentile(inObject.inclusion, 50)),
      consistencyProofInObjectMs: round(percentile(inObject.consistency, 50)),
      loadAverage: loadavg().map(round),
      appendSeconds: Math.round(appendSeconds),
      batch,
      note: "appends: RPC batches of `batch` events into one AuditLog DO (SQLite, local workerd); proofs: median per proof over 100-proof requests, each an RPC from the Worker to the DO (rpcRoundTripMs: the same loop with a no-op RPC, included in the proof times)",
    };
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}
