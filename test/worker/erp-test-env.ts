// The ERP tests drive the erp-sync consumer themselves (a drain loop, or one record at a time), so
// the events they deliver must not also go to the real erp-sync queue: its background consumer
// would race the test's own passes (a record already synced, or "syncing", when the test looks).
export const withoutErpQueue = (env: Env): Env => ({ ...env, ERP_SYNC: { send: async () => {}, sendBatch: async () => {} } }) as unknown as Env;
