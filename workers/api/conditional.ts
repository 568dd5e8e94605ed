// Conditional requests (RFC 9110 §13): a client that holds the current ETag gets 304 on GET.

/** True when an If-None-Match header value matches `etag` (weak comparison, lists and "*"). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => t.trim() === "*" || strip(t) === strip(etag));
}
