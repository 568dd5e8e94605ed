// When NetSuite refuses the connection itself (the certificate unmapped or its key replaced, the
// integration record disabled: invalid_grant / 401 invalid_client on the token endpoint), no
// record can sync until an administrator fixes it in NetSuite and reconnects. The first refusal
// in a pass is kept and answered to every later call of that pass without asking NetSuite again,
// and the pass then marks the connection reconnect_required: the queue consumer stops sending
// its records (they wait, pending, for the reconnect), instead of each one failing on its own.
import type { SyncFailure } from "../../domain/erp/xero-errors.ts";
import type { NetSuiteClient, NetSuiteResult } from "./client.ts";

export interface WatchedNetSuiteClient {
  client: NetSuiteClient;
  /** The refusal seen in this pass, if any. */
  refusal(): SyncFailure | null;
}

export function watchingRefusals(client: NetSuiteClient): WatchedNetSuiteClient {
  let refused: SyncFailure | null = null;
  const watch = async (call: () => Promise<NetSuiteResult>): Promise<NetSuiteResult> => {
    if (refused) return { ok: false, failure: refused };
    const result = await call();
    if (!result.ok && result.failure.class === "reconnect_required") refused = result.failure;
    return result;
  };
  return {
    client: {
      record: (method, path, body) => watch(() => client.record(method, path, body)),
      suiteql: (q, page) => watch(() => client.suiteql(q, page)),
    },
    refusal: () => refused,
  };
}
