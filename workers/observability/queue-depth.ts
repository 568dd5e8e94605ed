// The runtime's own reading of a queue's depth (Queue.metrics(): backlog count and the oldest
// message's timestamp), for each producer binding. Newer than the counting design: reported
// beside the counted backlog so a drift between the two shows, and null where there is no
// reading (a DLQ has no producer binding; an older runtime has no metrics(); it failed or took
// more than READ_TIMEOUT_MS). Locally (miniflare) the reading leaves out messages in flight or
// waiting out a retry delay, which the counted backlog includes.
import { QUEUE_BINDINGS } from "./queue-counting.ts";

export interface RuntimeDepth {
  backlog: number;
  oldestAgeSeconds: number;
}

const READ_TIMEOUT_MS = 1_000;

function toMs(t: unknown): number | null {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number" && t > 0) return t;
  return null;
}

async function readOne(queue: Queue | undefined, nowMs: number): Promise<RuntimeDepth | null> {
  if (typeof queue?.metrics !== "function") return null;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), READ_TIMEOUT_MS));
  const m = await Promise.race([queue.metrics().catch(() => null), timeout]);
  if (!m || typeof m.backlogCount !== "number") return null;
  const oldest = m.backlogCount > 0 ? toMs(m.oldestMessageTimestamp) : null;
  return { backlog: m.backlogCount, oldestAgeSeconds: oldest === null ? 0 : Math.max(0, Math.floor((nowMs - oldest) / 1000)) };
}

/** By queue name, for every producer binding of QUEUE_BINDINGS. */
export async function runtimeDepths(env: Env, nowMs: number): Promise<Record<string, RuntimeDepth | null>> {
  const entries = await Promise.all(Object.entries(QUEUE_BINDINGS).map(async ([binding, name]) => [name, await readOne(env[binding as keyof typeof QUEUE_BINDINGS], nowMs)] as const));
  return Object.fromEntries(entries);
}
