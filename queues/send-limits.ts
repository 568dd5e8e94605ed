// Cloudflare Queues limits for one sendBatch: at most 100 messages, 256 KB in total, 128 KB per
// message. Sizes are counted as the UTF-8 JSON body plus a margin for per-message overhead.
export const MAX_BATCH_MESSAGES = 100;
export const MAX_BATCH_BYTES = 256 * 1024;
export const MAX_MESSAGE_BYTES = 128 * 1024;
const MESSAGE_OVERHEAD_BYTES = 256;

const encoder = new TextEncoder();

export function messageBytes(body: unknown): number {
  return encoder.encode(JSON.stringify(body)).byteLength + MESSAGE_OVERHEAD_BYTES;
}

/** Consecutive runs of `items`, in order, each within the batch limits. Every item must fit one message. */
export function chunkForSendBatch<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (size > MAX_MESSAGE_BYTES) throw new RangeError(`a message of ${size} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte queue limit`);
    if (current.length === MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
