// A known path asked with a method it does not have is a 405 with Allow (RFC 9110 §15.5.6),
// not a 404: clients and proxies rely on the difference.
import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";

/** The methods registered for `pathname` (empty when the path itself is unknown). */
export function allowedMethods(app: Hono<AppEnv>, pathname: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const pattern = new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z_]+/g, "[^/]+")}$`);
    if (pattern.test(pathname)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
