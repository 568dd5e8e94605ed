import { CONTACT_OWNERS, type ContactOwner } from "../../domain/erp/three-way.ts";
// The accounting-integration resources (issue 8): connections, their status, sync records with
// their attempts, mappings and conflicts.
import { z } from "zod";
import type { ErpConflictRow, ErpConnectionRow, ErpMappingRow, ErpSyncAttemptRow, ErpSyncRecordRow } from "../../db/erp.ts";
import { SYNC_STATES } from "../../domain/erp/sync-state.ts";
import { ERP_PROVIDERS, type ErpProviderId } from "../../integrations/erp/connectors.ts";
import { AlertingSettings } from "../../integrations/erp/alerts.ts";

const Timestamp = z.string().describe("UTC ISO-8601");

export const Integration = z
  .object({
    id: z.string(),
    provider: z.enum(ERP_PROVIDERS),
    status: z.enum(["pending", "connected", "reconnect_required", "disconnected"]),
    organisation: z.string().nullable().describe("the ERP organisation's name once connected"),
    lastSyncedAt: Timestamp.nullable(),
    contactOwner: z.enum(CONTACT_OWNERS).describe("who wins when a contact is edited in the ERP: erp (applied here), ledgerline (ignored), review (a person decides)"),
    createdAt: Timestamp,
  })
  .meta({ id: "Integration" });

export const ContactOwnerBody = z
  .object({ contactOwner: z.enum(CONTACT_OWNERS).describe("erp: the ERP's contact edits update the customer; ledgerline: they are ignored; review: each goes to the conflict queue") })
  .strict()
  .meta({ id: "ContactOwnerBody" });

export const integrationResource = (c: ErpConnectionRow) => ({
  id: c.id,
  provider: c.provider as ErpProviderId,
  status: c.status as z.infer<typeof Integration>["status"],
  organisation: c.remoteTenantName,
  lastSyncedAt: c.lastSyncedAt,
  contactOwner: (CONTACT_OWNERS as readonly string[]).includes(c.contactOwner) ? (c.contactOwner as ContactOwner) : "review",
  createdAt: c.createdAt,
});

export const CreateIntegrationBody = z
  .object({
    provider: z.enum(ERP_PROVIDERS).describe("the accounting system"),
    // NetSuite (client credentials): what its integration record and M2M setup show.
    accountId: z.string().min(1).max(64).optional().describe("netsuite: the account id, e.g. 1234567 or 1234567_SB1"),
    clientId: z.string().min(1).max(128).optional().describe("netsuite: the integration record's client id"),
    certificateId: z.string().min(1).max(128).optional().describe("netsuite: the certificate id from OAuth 2.0 Client Credentials (M2M) Setup"),
  })
  .meta({ id: "CreateIntegration" });

export const IntegrationConnect = z
  .object({ integration: Integration, authorizeUrl: z.string().nullable().describe("send the admin here to consent; Xero redirects back to /oauth/xero/callback. null for NetSuite (client credentials: already connected)") })
  .meta({ id: "IntegrationConnect" });

const LastError = z.object({
  recordId: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  entityNumber: z.string().nullable(),
  operation: z.string(),
  state: z.enum(SYNC_STATES),
  errorClass: z.string().nullable(),
  message: z.string().nullable().describe("the ERP's own message"),
  fix: z.string().nullable().describe("what to do about it"),
  attempts: z.number().int(),
  at: Timestamp,
});

const IntegrationAlert = z
  .object({
    id: z.string(),
    kind: z.enum(["lag", "failed"]),
    status: z.enum(["open", "cleared"]),
    value: z.number().int(),
    threshold: z.number().int(),
    message: z.string(),
    notified: z.record(z.string(), z.string()).describe("per channel (webhook, email): sent, or failed with why"),
    openedAt: Timestamp,
    clearedAt: Timestamp.nullable(),
  })
  .meta({ id: "IntegrationAlert" });

export const IntegrationAlertingResult = AlertingSettings.extend({ enabled: z.boolean(), webhookSecret: z.string().nullable().describe("verify x-ledgerline-signature: sha256=HMAC-SHA256(secret, `${x-ledgerline-timestamp}.${body}`) hex") }).meta({ id: "IntegrationAlertingResult" });

export const IntegrationStatus = z
  .object({
    connectionId: z.string(),
    provider: z.string(),
    status: z.string(),
    organisation: z.string().nullable(),
    lastSyncedAt: Timestamp.nullable(),
    states: z.object(Object.fromEntries(SYNC_STATES.map((s) => [s, z.number().int()])) as Record<(typeof SYNC_STATES)[number], z.ZodNumber>),
    backlog: z.number().int().describe("records pending, syncing or retrying"),
    oldestPendingAgeSeconds: z.number().int().nullable(),
    lagSeconds: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), samples: z.number().int(), slaSeconds: z.number().int(), withinSla: z.boolean().nullable() }).describe("issue-to-synced lag of the last 24 h"),
    errorRate: z.number().min(0).max(1).describe("share of ERP attempts that failed in the last hour"),
    budget: z.object({ callsLastMinute: z.number().int(), callsLastDay: z.number().int(), perMinute: z.number().int(), perDay: z.number().int(), pausedUntil: Timestamp.nullable() }).nullable(),
    alerts: z
      .object({
        settings: z.object({ enabled: z.boolean(), maxLagSeconds: z.number().int(), maxFailed: z.number().int(), email: z.string().nullable(), webhookUrl: z.string().nullable() }),
        open: z.array(IntegrationAlert),
        recent: z.array(IntegrationAlert).describe("the last 10, open or cleared"),
      })
      .describe("thresholds and the alerts they raised (one open alert per kind until it clears)"),
    lastErrors: z.array(LastError),
  })
  .meta({ id: "IntegrationStatus" });

const Attempt = z.object({ attempt: z.number().int(), at: Timestamp, outcome: z.string(), httpStatus: z.number().int().nullable(), message: z.string().nullable() });

export const SyncRecord = z
  .object({
    id: z.string(),
    entityType: z.enum(["invoice", "credit_note", "payment", "customer"]),
    entityId: z.string(),
    entityNumber: z.string().nullable(),
    operation: z.enum(["create", "void", "allocate"]),
    state: z.enum(SYNC_STATES),
    attempts: z.number().int(),
    remoteId: z.string().nullable(),
    sourceAt: Timestamp,
    syncedAt: Timestamp.nullable(),
    nextAttemptAt: Timestamp.nullable(),
    errorClass: z.string().nullable(),
    message: z.string().nullable(),
    fix: z.string().nullable(),
    history: z.array(Attempt),
  })
  .meta({ id: "SyncRecord" });

export const syncRecordResource = (r: ErpSyncRecordRow, attempts: ErpSyncAttemptRow[]) => ({
  id: r.id,
  entityType: r.entityType as "invoice",
  entityId: r.entityId,
  entityNumber: r.entityNumber,
  operation: r.operation as "create",
  state: r.state as (typeof SYNC_STATES)[number],
  attempts: r.attempts,
  remoteId: r.remoteId,
  sourceAt: r.sourceAt,
  syncedAt: r.syncedAt,
  nextAttemptAt: r.nextAttemptAt,
  errorClass: r.lastErrorClass,
  message: r.lastError,
  fix: r.lastFix,
  history: attempts.filter((a) => a.recordId === r.id).map((a) => ({ attempt: a.attempt, at: a.at, outcome: a.outcome, httpStatus: a.httpStatus, message: a.message })),
});

export const ReplayBody = z
  .object({
    scope: z.enum(["failed", "listed"]).describe("failed: every failed record (up to 1,000); listed: the recordIds given"),
    recordIds: z.array(z.string().min(1).max(64)).min(1).max(200).optional().describe("with scope listed: the records to re-drive (failed, retrying or pending ones)"),
  })
  .meta({ id: "ReplayRecords" });
export const ReplayResult = z.object({ replayed: z.array(z.string()) }).meta({ id: "ReplayResult" });

const MappingKind = z.enum(["tax", "account", "currency", "contact"]);
export const Mapping = z.object({ kind: MappingKind, localKey: z.string(), remoteCode: z.string(), updatedAt: Timestamp }).meta({ id: "IntegrationMapping" });
export const mappingResource = (m: ErpMappingRow) => ({ kind: m.kind as z.infer<typeof MappingKind>, localKey: m.localKey, remoteCode: m.remoteCode, updatedAt: m.updatedAt });
export const MappingList = z.object({ data: z.array(Mapping) }).meta({ id: "IntegrationMappingList" });
export const PutMappingsBody = z
  .object({
    mappings: z
      .array(z.object({ kind: MappingKind, localKey: z.string().min(1).max(200).describe("tax: <jurisdiction>:<category>:<ratePpm>; account: a service type id, \"default\" or \"payments\"; currency: ISO code; contact: a customer id"), remoteCode: z.string().min(1).max(200).nullable().describe("null removes the mapping") }))
      .min(1)
      .max(200),
  })
  .meta({ id: "PutIntegrationMappings" });

export const Conflict = z
  .object({
    id: z.string(),
    recordId: z.string(),
    fieldGroup: z.string(),
    ours: z.record(z.string(), z.unknown()),
    theirs: z.record(z.string(), z.unknown()),
    base: z.record(z.string(), z.unknown()).describe("both sides at the last sync"),
    status: z.enum(["open", "resolved"]),
    resolution: z.record(z.string(), z.enum(["ours", "theirs"])).nullable(),
    resolvedBy: z.string().nullable(),
    createdAt: Timestamp,
    resolvedAt: Timestamp.nullable(),
  })
  .meta({ id: "IntegrationConflict" });
export const conflictResource = (c: ErpConflictRow) => ({
  id: c.id,
  recordId: c.recordId,
  fieldGroup: c.fieldGroup,
  ours: JSON.parse(c.ours) as Record<string, unknown>,
  theirs: JSON.parse(c.theirs) as Record<string, unknown>,
  base: JSON.parse(c.base) as Record<string, unknown>,
  status: c.status as "open",
  resolution: c.resolution ? (JSON.parse(c.resolution) as Record<string, "ours" | "theirs">) : null,
  resolvedBy: c.resolvedBy,
  createdAt: c.createdAt,
  resolvedAt: c.resolvedAt,
});
export const ConflictList = z.object({ data: z.array(Conflict) }).meta({ id: "IntegrationConflictList" });
export const ResolveConflictBody = z
  .object({ conflictId: z.string().min(1).max(64), choices: z.record(z.string().max(64), z.enum(["ours", "theirs"])).describe("one choice per field of the conflict") })
  .meta({ id: "ResolveIntegrationConflict" });
