// Connecting a franchise to NetSuite. There is no consent screen: an admin creates an
// integration record and maps our certificate in NetSuite (OAuth 2.0 Client Credentials (M2M)
// Setup), then gives us the account id, the integration's client id and the certificate id. The
// connection's ErpConnection DO proves the setup at once by getting a token with a signed
// assertion; a refusal answers 422 with what to fix in NetSuite and leaves no connection behind.
import { insertConnection, listConnections, updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { conflict, DomainError, invalid } from "../../domain/errors.ts";
import type { BillingContext } from "../../billing/context.ts";
import { connectionStub } from "../xero/client.ts";
import { ACCOUNT_ID_PATTERN } from "./endpoints.ts";
import { resendWaiting } from "../erp/resend-waiting.ts";

export interface NetSuiteConnectInput {
  accountId?: string;
  clientId?: string;
  certificateId?: string;
}

function required(input: NetSuiteConnectInput): { accountId: string; clientId: string; certificateId: string } {
  for (const field of ["accountId", "clientId", "certificateId"] as const) {
    if (!input[field]) throw invalid("erp_netsuite_setup_missing", field, `${field} is required to connect NetSuite (from its integration record and OAuth 2.0 Client Credentials Setup)`);
  }
  if (!ACCOUNT_ID_PATTERN.test(input.accountId!)) throw invalid("erp_netsuite_account_invalid", "accountId", "accountId must be a NetSuite account id such as 1234567, TSTDRV1234567 or 1234567_SB1");
  return { accountId: input.accountId!.toUpperCase(), clientId: input.clientId!, certificateId: input.certificateId! };
}

export async function connectNetSuite(ctx: BillingContext, input: NetSuiteConnectInput): Promise<ErpConnectionRow> {
  const setup = required(input);
  const existing = (await listConnections(ctx.db, ctx.franchiseId)).find((c) => c.provider === "netsuite" && c.status !== "disconnected");
  if (existing?.status === "connected") throw conflict("erp_already_connected", `this franchise is already connected to netsuite (${existing.id}); disconnect it first`);
  const id = existing?.id ?? newId("erc");
  const result = await connectionStub(ctx.env, id).connectNetSuite({ ...setup, connectionId: id, franchiseId: ctx.franchiseId });
  if (!result.ok) throw new DomainError("validation", "erp_netsuite_credentials_refused", `${result.message}. ${result.fix}`, [{ field: "certificateId", message: result.fix }]);
  const now = ctx.clock.now().toISOString();
  const connection: ErpConnectionRow = {
    id, franchiseId: ctx.franchiseId, provider: "netsuite", status: "connected", remoteTenantId: setup.accountId, remoteTenantName: `NetSuite ${setup.accountId}`,
    alerting: existing?.alerting ?? "{}", contactOwner: existing?.contactOwner ?? "review", lastSyncedAt: existing?.lastSyncedAt ?? null, lastPolledAt: existing?.lastPolledAt ?? null, createdAt: existing?.createdAt ?? now, updatedAt: now,
  };
  if (existing) await updateConnection(ctx.db, ctx.franchiseId, id, { status: "connected", remoteTenantId: setup.accountId, remoteTenantName: connection.remoteTenantName, updatedAt: now });
  else await insertConnection(ctx.db, connection);
  // A reconnect after NetSuite refused us: the records that waited go again (../erp/resend-waiting.ts).
  if (existing?.status === "reconnect_required") await resendWaiting(ctx.env, ctx.db, ctx.franchiseId, id);
  return connection;
}

