// The ERP tests drive the erp-sync consumer themselves (a drain loop, or one record at a time), so
// the events they deliver must not also go to the real erp-sync queue: its background consumer
// would race the test's own passes (a record already synced, or "syncing", when the test looks).
export const withoutErpQueue = (env: Env): Env => ({ ...env, ERP_SYNC: { send: async () => {}, sendBatch: async () => {} } }) as unknown as Env;

/** The fake Xero's control and API calls for one organisation slot (tests on different slots never share documents). */
export function xeroFake(env: Env, slot: number) {
  const base = (env as unknown as { XERO_BASE_URL: string }).XERO_BASE_URL;
  return async (path: string, body?: unknown): Promise<any> =>
    (
      await fetch(
        `${base}${path}${path.includes("?") ? "&" : "?"}tenant=${slot}`,
        body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
      )
    ).json();
}
