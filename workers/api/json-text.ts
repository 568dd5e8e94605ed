// Checks on a parsed JSON document that JSON.parse does not make: strings (keys included) must
// not hold U+0000 or an unpaired UTF-16 surrogate (JSON escapes such as "\ud800" produce one).
// Such strings cannot be stored or exchanged faithfully (UTF-8, XML e-invoices, ERPs), so they are
// refused rather than silently rewritten.

/** The path of the first offending string ("lines.0.description"), or null when all are clean. */
export function findBadString(value: unknown, path: string[] = []): { field: string; reason: string } | null {
  if (typeof value === "string") {
    const reason = badStringReason(value);
    return reason ? { field: path.join(".") || "(root)", reason } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadString(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const keyReason = badStringReason(k);
      if (keyReason) return { field: [...path, k].join("."), reason: `its name ${keyReason}` };
      const found = findBadString(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

function badStringReason(s: string): string | null {
  if (s.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (!s.isWellFormed()) return "contains an unpaired UTF-16 surrogate";
  return null;
}
