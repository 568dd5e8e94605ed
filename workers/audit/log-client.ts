// The franchise's AuditLog Durable Object: one per franchise, named by its id.
import type { AuditLog } from "../../durable-objects/audit-log.ts";

export function auditLog(env: Env, franchiseId: string): DurableObjectStub<AuditLog> {
  return env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(franchiseId)) as DurableObjectStub<AuditLog>;
}
