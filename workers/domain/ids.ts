// Identifiers are "<prefix>_<26 chars>": 10 chars of millisecond time then 16 random chars in
// Crockford base32 (ULID layout), so ids sort by creation time and serve as pagination cursors.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type RandomBytes = (length: number) => Uint8Array;

export function timeSortableId(prefix: string, timeMs: number, randomBytes: RandomBytes): string {
  let time = "";
  let t = Math.floor(timeMs);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}
