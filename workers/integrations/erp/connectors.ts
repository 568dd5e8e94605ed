// The seam between the provider-neutral sync pipeline (subscriber → erp-sync queue → consumer)
// and each ERP's connector. The consumer claims a connection's records and hands them to the
// connector registered for that connection's provider; each connector knows its ERP's API,
// batching, idempotency mechanism and error shapes, and reports one outcome per record.
// Adding an ERP = one module exporting an ErpConnector + one entry below + its id in ERP_PROVIDERS.
import type { Db } from "../../db/client.ts";
import type { ErpConnectionRow, ErpSyncRecordRow } from "../../db/erp.ts";
import { syncXeroRecords, type RecordOutcome } from "./xero-sync.ts";
import { xeroClient } from "../xero/client.ts";
import { syncNetSuiteRecords } from "./netsuite-sync.ts";
import { netsuiteClient } from "../netsuite/client.ts";
import { syncQboRecords } from "./qbo-sync.ts";
import { qboClient } from "../qbo/client.ts";
import { withRefusalWatch } from "./refusals.ts";

/** The accounting systems a franchise can connect (the API's `provider` enum). */
export const ERP_PROVIDERS = ["xero", "qbo", "netsuite"] as const;
export type ErpProviderId = (typeof ERP_PROVIDERS)[number];

export type { RecordOutcome };

export interface ErpConnector {
  provider: ErpProviderId;
  /** Syncs records already claimed for this connection; one outcome per record it decided. */
  sync(env: Env, db: Db, connection: ErpConnectionRow, records: ErpSyncRecordRow[]): Promise<RecordOutcome[]>;
}

// Xero and QBO refusing our tokens (invalid_grant, 401/403 after a refresh) mark the connection reconnect_required (./refusals.ts).
const xero: ErpConnector = {
  provider: "xero",
  sync: (env, db, connection, records) => withRefusalWatch(db, connection, xeroClient(env, connection.id, connection.remoteTenantId ?? ""), (client) => syncXeroRecords(env, db, connection, client, records)),
};

const qbo: ErpConnector = {
  provider: "qbo",
  sync: (env, db, connection, records) => withRefusalWatch(db, connection, qboClient(env, connection.id, connection.remoteTenantId ?? ""), (client) => syncQboRecords(env, db, connection, client, records)),
};

// NetSuite: remoteTenantId is the account id; every write an upsert by external id.
const netsuite: ErpConnector = {
  provider: "netsuite",
  sync: (env, db, connection, records) => syncNetSuiteRecords(db, connection, netsuiteClient(env, connection.id, connection.remoteTenantId ?? ""), records),
};

const CONNECTORS: Record<ErpProviderId, ErpConnector> = { xero, qbo, netsuite };

export function connectorFor(provider: string): ErpConnector | undefined {
  return (CONNECTORS as Record<string, ErpConnector | undefined>)[provider];
}
