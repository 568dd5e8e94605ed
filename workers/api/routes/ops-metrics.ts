import { OpenAPIRoute } from "chanfana";
import { opsMetrics } from "../../observability/ops-metrics.ts";
import { AUTHENTICATED, jsonResponse, problemResponses } from "../resources/common.ts";
import { OpsMetrics } from "../resources/ops-metrics.ts";
import { billing, type AppContext } from "./route-context.ts";

export class GetOpsMetrics extends OpenAPIRoute {
  schema = {
    tags: ["Operations"],
    summary: "The franchise's API latency (p50/p95/p99), error rate and throttled requests over the last hour, and queue depth",
    responses: { "200": jsonResponse(OpsMetrics, "Metrics of the last hour"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return opsMetrics(billing(c));
  }
}
