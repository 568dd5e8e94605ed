import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import type { AppContext } from "./route-context.ts";
import { jsonResponse, problemResponses } from "../resources/common.ts";
import { directoryDatabase, tenantDatabases } from "../../db/resolver.ts";

export class Health extends OpenAPIRoute {
  schema = {
    tags: ["Operations"],
    summary: "Liveness and database reachability",
    security: [],
    responses: {
      "200": jsonResponse(z.object({ status: z.literal("ok"), database: z.literal("ok"), time: z.string() }).meta({ id: "Health" }), "The Worker and D1 answer"),
      "503": jsonResponse(z.object({ status: z.literal("degraded"), database: z.literal("unreachable"), time: z.string() }).meta({ id: "HealthDegraded" }), "D1 does not answer"),
      ...problemResponses(),
    },
  };

  async handle(c: AppContext) {
    try {
      for (const db of [directoryDatabase(c.env), ...tenantDatabases(c.env)]) await db.prepare("SELECT 1").first();
    } catch {
      return c.json({ status: "degraded", database: "unreachable", time: new Date().toISOString() }, 503);
    }
    return { status: "ok" as const, database: "ok" as const, time: new Date().toISOString() };
  }
}
