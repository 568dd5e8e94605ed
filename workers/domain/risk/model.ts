// Train and apply the late-payment model: features per invoice from what its issue date knew,
// logistic regression for P(late) with the ridge strength picked on the latest quarter of the
// training invoices (a time split, never a shuffle), LAD for days to settle, and each score's
// top factors (the features pushing its log-odds up the most).
import { byCustomer, earlierThan, FEATURE_NAMES, type FeatureName, type InvoiceRecord, invoiceFeatures, isLate, type Population } from "./features.ts";
import { fitLad, fitLogistic, type LinearModel, linearScore, predictProbability, standardize } from "./linear.ts";
import { auc, brier, logLoss } from "./risk-metrics.ts";

export interface RiskModel {
  late: LinearModel;
  days: LinearModel;
  population: Population;
  lambda: number;
  trainedOn: number;
}

export interface InvoiceScore {
  invoiceId: string;
  customerId: string;
  pLate: number;
  expectedDaysToSettle: number;
  topFactors: { feature: FeatureName; contribution: number }[];
}

export interface Example {
  inv: InvoiceRecord;
  x: number[];
}

const LAMBDAS = [0.1, 1, 3, 10, 30, 100];

function population(train: readonly InvoiceRecord[]): Population {
  const settled = train.filter((r) => r.settled !== undefined);
  if (settled.length === 0) return { lateRate: 0.3, daysToSettle: 30 };
  return {
    lateRate: settled.filter((r) => isLate(r)).length / settled.length,
    daysToSettle: settled.reduce((s, r) => s + (r.settled! - r.issued), 0) / settled.length,
  };
}

/** Feature rows for `targets`, each from its customer's invoices in `pool` issued before it. */
export function examples(pool: readonly InvoiceRecord[], targets: readonly InvoiceRecord[], pop: Population): Example[] {
  const groups = byCustomer(pool);
  return targets.map((inv) => ({ inv, x: invoiceFeatures(inv, earlierThan(groups.get(inv.customerId) ?? [], inv), pop) }));
}

/**
 * `train`: invoices whose outcomes may be learned from (settled ones are the examples);
 * `history`: every invoice known (train ∪ those to score), used only as earlier history.
 */
export function trainRiskModel(train: readonly InvoiceRecord[], history: readonly InvoiceRecord[] = train): RiskModel {
  const pop = population(train);
  const labelled = examples(history, train, pop).filter((e) => e.inv.settled !== undefined);
  if (labelled.length < 10) throw new RangeError(`need at least 10 settled invoices to train, got ${labelled.length}`);
  labelled.sort((a, b) => a.inv.issued - b.inv.issued);
  const cut = Math.floor(labelled.length * 0.75);
  const fitPart = labelled.slice(0, cut);
  const valPart = labelled.slice(cut);
  let lambda = 10;
  if (fitPart.length >= 10 && valPart.length >= 10 && new Set(valPart.map((e) => isLate(e.inv))).size === 2) {
    let best = Number.POSITIVE_INFINITY;
    for (const l of LAMBDAS) {
      const m = fitLogistic(
        fitPart.map((e) => e.x),
        fitPart.map((e) => isLate(e.inv)!),
        l,
      );
      const y = valPart.map((e) => isLate(e.inv)!);
      const loss = logLoss(
        y,
        valPart.map((e) => predictProbability(m, e.x)),
      );
      if (loss < best) {
        best = loss;
        lambda = l;
      }
    }
  }
  const late = fitLogistic(
    labelled.map((e) => e.x),
    labelled.map((e) => isLate(e.inv)!),
    lambda,
  );
  const days = fitLad(
    labelled.map((e) => e.x),
    labelled.map((e) => e.inv.settled! - e.inv.issued),
    lambda,
  );
  return { late, days, population: pop, lambda, trainedOn: labelled.length };
}

export function scoreExample(model: RiskModel, e: Example): InvoiceScore {
  const z = standardize(model.late.scaler, e.x);
  const contributions = z.map((v, j) => ({ feature: FEATURE_NAMES[j]!, contribution: v * model.late.weights[j + 1]! }));
  const topFactors = contributions
    .filter((c) => c.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, 3);
  return {
    invoiceId: e.inv.invoiceId,
    customerId: e.inv.customerId,
    pLate: predictProbability(model.late, e.x),
    expectedDaysToSettle: Math.max(0, linearScore(model.days, e.x)),
    topFactors,
  };
}

export function scoreInvoices(model: RiskModel, history: readonly InvoiceRecord[], targets: readonly InvoiceRecord[]): InvoiceScore[] {
  return examples(history, targets, model.population).map((e) => scoreExample(model, e));
}

export interface RiskEvaluation {
  invoices: number;
  auc: number;
  brier: number;
  logLoss: number;
  daysMae: number;
}

/** Score settled targets against their real outcomes (which the features never saw). */
export function evaluateScores(targets: readonly InvoiceRecord[], scores: readonly InvoiceScore[]): RiskEvaluation {
  const byId = new Map(scores.map((s) => [s.invoiceId, s]));
  const settled = targets.filter((t) => t.settled !== undefined && byId.has(t.invoiceId));
  const y = settled.map((t) => isLate(t)!);
  const p = settled.map((t) => byId.get(t.invoiceId)!.pLate);
  return {
    invoices: settled.length,
    auc: auc(y, p),
    brier: brier(y, p),
    logLoss: logLoss(y, p),
    daysMae: settled.reduce((s, t) => s + Math.abs(t.settled! - t.issued - byId.get(t.invoiceId)!.expectedDaysToSettle), 0) / Math.max(1, settled.length),
  };
}

/** The baseline the model must beat: the customer's own past late rate and mean days to settle. */
export function baselineScores(history: readonly InvoiceRecord[], targets: readonly InvoiceRecord[], train: readonly InvoiceRecord[]): InvoiceScore[] {
  const pop = population(train);
  const groups = byCustomer(history);
  return targets.map((inv) => {
    const prior = earlierThan(groups.get(inv.customerId) ?? [], inv).filter((e) => e.settled !== undefined && e.settled < inv.issued);
    const n = prior.length;
    return {
      invoiceId: inv.invoiceId,
      customerId: inv.customerId,
      pLate: n ? prior.filter((e) => isLate(e)).length / n : pop.lateRate,
      expectedDaysToSettle: n ? prior.reduce((s, e) => s + (e.settled! - e.issued), 0) / n : pop.daysToSettle,
      topFactors: [],
    };
  });
}
