// SHA-256 for the audit log inside workerd: node:crypto (nodejs_compat) hashes synchronously,
// which the Durable Object's synchronous SQLite tree walk needs; WebCrypto's digest is async only.
import { createHash } from "node:crypto";
import type { Sha256 } from "../domain/merkle-hash.ts";

export const sha256: Sha256 = (data) => new Uint8Array(createHash("sha256").update(data).digest());
