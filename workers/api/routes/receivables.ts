import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { receivablesAging } from "../../billing/receivables.ts";
import { getBranch } from "../../db/reference-data.ts";
import { notFound } from "../../domain/errors.ts";
import { AUTHENTICATED, Id, IsoDate, jsonResponse, problemResponses } from "../resources/common.ts";
import { ReceivablesAging, receivablesAgingResource } from "../resources/receivables.ts";
import { billing, branchTodays, type AppContext } from "./route-context.ts";

export class GetReceivablesAging extends OpenAPIRoute {
  schema = {
    tags: ["Receivables"],
    summary: "Accounts receivable aging per currency, and the top overdue customers",
    description:
      "Open balances (issued or partially paid) by days past due: current (not yet due), 1–30, 31–60, 61–90 and 90+, amount and invoice count per currency, summed by the database. A branch manager sees their branches only; a `branchId` the caller cannot see is 404, as on GET /v1/branches/{id}.",
    request: {
      query: z.object({
        branchId: Id("br").optional(),
        asOf: IsoDate.optional().describe("age against this date; default: each branch's today in its timezone"),
        top: z.coerce.number().int().min(1).max(50).default(10).describe("how many overdue customers to list"),
      }),
    },
    responses: { "200": jsonResponse(ReceivablesAging, "The aging report"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    if (query.branchId && !(await getBranch(ctx.db, ctx.franchiseId, query.branchId, ctx.branchScope))) throw notFound("branch", query.branchId);
    const todays = query.asOf ? new Map<string, string>() : await branchTodays(ctx);
    const report = await receivablesAging(ctx, { branchId: query.branchId, asOf: query.asOf, todays, top: query.top });
    return c.json(receivablesAgingResource(report, query.asOf ?? null, query.branchId ?? null), 200);
  }
}
