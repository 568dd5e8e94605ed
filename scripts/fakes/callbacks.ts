// Status callbacks a messaging fake owes after accepting a message: each is recorded (GET
// /_fake/callbacks: url, headers, body, outcome) and then POSTed after a short delay, as the real
// providers call back asynchronously. The delay also lets the Worker record its "sent" row before
// the first status arrives. A callback whose URL does not answer is kept with its error (the
// worker tests replay recorded callbacks into the Worker with SELF.fetch).
export interface PendingCallback {
  messageId: string;
  url: string | null;
  headers: Record<string, string>;
  body: string;
  status: string;
  postedAt: string | null;
  responseStatus: number | null;
  error: string | null;
}

/**
 * What the next accepted messages end as: POST /_fake/outcomes { status, errorCode?, to?, count }
 * (`to`: only messages to that recipient, so parallel tests do not take each other's outcomes).
 */
export interface InjectedOutcome {
  status: string;
  errorCode?: number;
  to?: string;
  count: number;
}

export const CALLBACK_DELAY_MS = 250;

export function callbackLog() {
  const callbacks: PendingCallback[] = [];
  const outcomes: InjectedOutcome[] = [];
  return {
    callbacks,
    takeOutcome(to: string): InjectedOutcome | undefined {
      const i = outcomes.findIndex((o) => o.to === undefined || o.to === to);
      const o = outcomes[i];
      if (!o) return undefined;
      o.count -= 1;
      if (o.count <= 0) outcomes.splice(i, 1);
      return o;
    },
    /** Records the callbacks of one message and posts them in order, one after another. */
    schedule(list: Array<Omit<PendingCallback, "postedAt" | "responseStatus" | "error">>): void {
      const entries = list.map((c) => ({ ...c, postedAt: null, responseStatus: null, error: null }) as PendingCallback);
      callbacks.push(...entries);
      const post = async () => {
        for (const c of entries) {
          if (c.url === null) continue;
          try {
            const res = await fetch(c.url, { method: "POST", headers: c.headers, body: c.body });
            c.responseStatus = res.status;
            await res.arrayBuffer();
          } catch (e) {
            c.error = (e as Error).message;
          }
          c.postedAt = new Date().toISOString();
        }
      };
      setTimeout(() => void post(), CALLBACK_DELAY_MS).unref?.();
    },
    /** /_fake/callbacks (GET, optional ?messageId=) and /_fake/outcomes (POST). */
    async control(request: Request, path: string): Promise<Response | undefined> {
      if (path === "/_fake/callbacks" && request.method === "GET") {
        const id = new URL(request.url).searchParams.get("messageId");
        return Response.json({ data: id ? callbacks.filter((c) => c.messageId === id) : callbacks });
      }
      if (path === "/_fake/outcomes" && request.method === "POST") {
        const o = (await request.json()) as InjectedOutcome;
        outcomes.push({ status: o.status, ...(o.errorCode === undefined ? {} : { errorCode: o.errorCode }), ...(o.to === undefined ? {} : { to: o.to }), count: Math.max(1, o.count ?? 1) });
        return Response.json({ ok: true, pending: outcomes.length });
      }
      if (path === "/_fake/reset" && request.method === "POST") {
        callbacks.length = 0;
        outcomes.length = 0;
      }
      return undefined;
    },
  };
}
