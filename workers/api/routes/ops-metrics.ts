import { OpenAPIRoute } from "chanfana";
import { opsMetrics } from "../../observability/ops-metrics.ts";
import { AUTHENTICATED, jsonResponse, problemResponses } from "../resources/common.ts";
import { OpsMetrics } from "../resources/ops-metrics.ts";
import { billing, type AppContext } from "./route-context.ts";
import { isPlatformOperator } from "../middleware/platform-operator.ts";

export class GetOpsMetrics extends OpenAPIRoute {
  schema = {
    tags: ["Operations"],
    summary: "The franchise's API latency (p50/p95/p99), error rate and throttled requests over the last hour, and queue depth",
    description: "queues.domainEvents is the franchise's own event pipeline. The per-queue counts (reminders, erp-sync, …) are the whole platform's, so they are present only for a staff admin of the platform operator (PLATFORM_OPERATOR_FRANCHISE_ID).",
    responses: { "200": jsonResponse(OpsMetrics, "Metrics of the last hour"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return opsMetrics(billing(c), isPlatformOperator(c.env, c.get("principal")));
  }
}
