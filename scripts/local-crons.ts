// Fires the Worker's cron triggers against a local wrangler dev, on the schedule wrangler.toml
// gives them (wrangler dev only runs them when asked). Only the three shapes we use are parsed.
import { readFileSync } from "node:fs";

/** Miniflare's local trigger. It answers "ok" once the scheduled handler has run. (An unknown
 * /cdn-cgi path falls through to the dashboard's index.html with a 200, so check the body.) */
export const scheduledPath = "/cdn-cgi/local/scheduled";

export function cronsFromWranglerToml(toml = readFileSync("wrangler.toml", "utf8")): string[] {
  const match = /crons\s*=\s*\[([^\]]*)\]/.exec(toml);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
}

/** True when a 5-field cron expression with "*" or plain numbers matches the UTC minute. */
export function cronMatches(cron: string, at: Date): boolean {
  const [minute, hour, dom, month, dow] = cron.split(/\s+/);
  const ok = (field: string | undefined, value: number) => field === "*" || (field?.split(",").some((v) => Number(v) === value) ?? false);
  return ok(minute, at.getUTCMinutes()) && ok(hour, at.getUTCHours()) && ok(dom, at.getUTCDate()) && ok(month, at.getUTCMonth() + 1) && ok(dow, at.getUTCDay());
}

/** Runs the scheduled handler once for `cron` at `at`; `ok` is false when it threw or did not run. */
export async function fireCron(baseUrl: string, cron: string, at: Date): Promise<{ ok: boolean; detail: string }> {
  const res = await fetch(`${baseUrl}${scheduledPath}?cron=${encodeURIComponent(cron)}&time=${at.getTime()}`);
  const body = (await res.text()).trim();
  return { ok: res.ok && body === "ok", detail: `${res.status} ${body.slice(0, 120)}` };
}

export function cronTicker(baseUrl: string, log: (line: string) => void = (line) => console.error(line)): () => void {
  const crons = cronsFromWranglerToml();
  const tick = async () => {
    const now = new Date();
    for (const cron of crons.filter((c) => cronMatches(c, now))) {
      try {
        const { ok, detail } = await fireCron(baseUrl, cron, now);
        // A failing handler has already logged its own JSON line; this says which cron it was.
        if (!ok) log(`[crons] "${cron}" did not complete: ${detail}`);
      } catch {
        // wrangler dev is restarting (a file changed): the next minute will try again
      }
    }
  };
  let interval: NodeJS.Timeout | undefined;
  // Start on the next minute boundary, then every minute.
  const first = setTimeout(
    () => {
      void tick();
      interval = setInterval(tick, 60_000);
    },
    60_000 - (Date.now() % 60_000),
  );
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
