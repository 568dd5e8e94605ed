// The log's identity in checkpoints: one log per franchise, named by a stable origin string.
export const AUDIT_ORIGIN_PREFIX = "ledgerline.example/audit/";

export const auditOrigin = (franchiseId: string) => `${AUDIT_ORIGIN_PREFIX}${franchiseId}`;

/** The write-once R2 copy of a checkpoint (ARCHIVE bucket); sizes zero-padded so keys list in order. */
export const checkpointArchiveKey = (franchiseId: string, size: number) => `audit/checkpoints/${franchiseId}/${String(size).padStart(16, "0")}.txt`;
export const checkpointArchivePrefix = (franchiseId: string) => `audit/checkpoints/${franchiseId}/`;
