// CPU profile of a local Worker (wrangler dev --inspector-port P) over the V8 inspector protocol:
// the Worker, its Durable Objects and its queue consumers share one isolate locally, so one
// profile shows where a bench's CPU goes. Used by the dunning bench (DUNNING_BENCH_PROFILE=<file>),
// or alone against a running wrangler dev:
//   node bench/cpu-profile.ts --port 9229 --seconds 20 [--out run.cpuprofile] [--top 25]
// Writes the .cpuprofile (open it in Chrome DevTools) and prints the functions with the most
// self time. Waiting on I/O is not CPU: a function that awaits shows little here however slow.
import { writeFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Starts sampling every `intervalUs` µs; stop() ends it and returns the profile. */
export async function startCpuProfile(inspectorPort: number, intervalUs = 1000): Promise<{ stop(): Promise<CpuProfile> }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ webSocketDebuggerUrl?: string }>;
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
  // wrangler's inspector proxy refuses a client without a local Origin (browser pages elsewhere).
  const ws = new WebSocket(url, { headers: { Origin: "http://localhost" } } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
  let seq = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  await call("Profiler.start");
  return {
    async stop() {
      const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
      ws.close();
      return profile;
    },
  };
}

/** Self time per function (ms), most first, with the share of all sampled time. */
export function topSelfTime(profile: CpuProfile, top = 25): Array<{ fn: string; ms: number; pct: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)?.callFrame;
    const key = f ? `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}` : "?";
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: Math.round((1000 * ms) / Math.max(total, 1)) / 10 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
  };
  const profiler = await startCpuProfile(Number(flag("port", "9229")));
  await new Promise((r) => setTimeout(r, Number(flag("seconds", "20")) * 1000));
  const profile = await profiler.stop();
  writeFileSync(flag("out", "worker.cpuprofile"), JSON.stringify(profile));
  for (const row of topSelfTime(profile, Number(flag("top", "25")))) console.log(`${String(row.ms).padStart(7)} ms ${String(row.pct).padStart(5)} %  ${row.fn}`);
}
