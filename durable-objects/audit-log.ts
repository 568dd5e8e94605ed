// AuditLog: will hold a franchise's tamper-evident audit log (compliance and audit). The binding and SQLite migration are declared now so that the
// capability plugs in without a storage migration; the class has no behaviour yet.
import { DurableObject } from "cloudflare:workers";

export class AuditLog extends DurableObject<Env> {}
