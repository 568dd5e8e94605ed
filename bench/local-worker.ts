// Starts the Worker under wrangler dev on a free port with its own throw-away state, migrated
// and seeded with a small demo data set, for benchmarks that exercise the real HTTP path.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalWorker {
  baseUrl: string;
  /** Process group of wrangler dev and its workerd (for memory sampling). */
  pid: number;
  /** The wrangler --persist-to directory (local D1 and DO state), deleted by stop(). */
  persistDir: string;
  credentials: { apiKey: string; franchiseId: string; others: Array<{ franchiseId: string; apiKey: string }> };
  /** Stops wrangler dev; `keepState` leaves the persist directory for a follow-up (the caller deletes it). */
  stop(opts?: { keepState?: boolean }): Promise<void>;
}

const wrangler = "node_modules/.bin/wrangler";

function must(args: string[], what: string) {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * `setupSql` (optional) runs after the seed, given the demo credentials (e.g. to assign a rate plan to a key).
 * `stateDir` (optional) keeps the seeded state there and reuses it on the next run (migrations are
 * still applied; the seed is loaded only once), so repeated runs skip the minutes-long seed load.
 */
export async function startLocalWorker(opts: { port: number; customers: string; setupSql?: (credentials: LocalWorker["credentials"]) => Promise<string>; vars?: Record<string, string>; readyTimeoutMs?: number; stateDir?: string; extraArgs?: string[]; logFile?: string }): Promise<LocalWorker> {
  // Something already answering on the port (a wrangler dev left over from an interrupted run)
  // would be measured instead of this build: refuse rather than report its numbers.
  const answering = await fetch(`http://127.0.0.1:${opts.port}/health`).then(() => true, () => false);
  if (answering) throw new Error(`port ${opts.port} already answers: stop the server listening there first`);
  const keep = Boolean(opts.stateDir);
  const dir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "ledgerline-bench-"));
  const seeded = keep && existsSync(join(dir, "cred.json"));
  mkdirSync(dir, { recursive: true });
  must([wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], "migrations");
  if (!seeded) {
    must(["node", "scripts/seed/cli.ts", "--out", join(dir, "seed.sql"), "--credentials", join(dir, "cred.tmp.json"), "--customers", opts.customers], "seed generation");
    must([wrangler, "d1", "execute", "DB", "--local", "--persist-to", dir, "--file", join(dir, "seed.sql"), "-y"], "seed load");
    renameSync(join(dir, "cred.tmp.json"), join(dir, "cred.json"));
  }
  if (opts.setupSql) {
    writeFileSync(join(dir, "setup.sql"), await opts.setupSql(JSON.parse(readFileSync(join(dir, "cred.json"), "utf8"))));
    must([wrangler, "d1", "execute", "DB", "--local", "--persist-to", dir, "--file", join(dir, "setup.sql"), "-y"], "setup sql");
  }
  const child: ChildProcess = spawn(wrangler, ["dev", "--port", String(opts.port), "--ip", "127.0.0.1", "--persist-to", dir, "--log-level", opts.logFile ? "log" : "error", ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]), ...(opts.extraArgs ?? [])], {
    // logFile: wrangler dev's output (the Worker's logs) for debugging a bench; else discarded.
    stdio: opts.logFile ? ["ignore", openSync(opts.logFile, "w"), openSync(opts.logFile, "a")] : "ignore",
    detached: true,
    // A private dev registry: with the shared one, every other wrangler dev starting or stopping
    // on the machine reloads this one's runtime mid-bench (and a reload drops its local queues).
    env: { ...process.env, WRANGLER_REGISTRY_PATH: join(dir, "dev-registry") },
  });
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      throw new Error(`wrangler dev did not answer /health within ${(opts.readyTimeoutMs ?? 60_000) / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    pid: child.pid!,
    persistDir: dir,
    credentials: JSON.parse(readFileSync(join(dir, "cred.json"), "utf8")),
    async stop(stopOpts?: { keepState?: boolean }) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
      if (!keep && !stopOpts?.keepState) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task` `total` times with `concurrency` in flight; returns per-call latencies in ms. */
export async function load(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number; errors: number; errorSamples: string[] }> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        try {
          await task(i);
        } catch (e) {
          errors++;
          // fetch's own "fetch failed" says nothing: the cause (ECONNRESET, a timeout...) does.
          const cause = e instanceof Error && e.cause ? `: ${String((e.cause as Error).message ?? e.cause)}` : "";
          if (errorSamples.length < 3) errorSamples.push(`${e instanceof Error ? e.message : String(e)}${cause}`.slice(0, 300));
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000, errors, errorSamples };
}
