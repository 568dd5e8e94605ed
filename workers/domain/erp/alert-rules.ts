// When a connection's sync needs a person: its lag (the slower of the p95 issue-to-synced lag of
// the last hour and the age of the oldest record still waiting) or its failed records crossing
// the thresholds the franchise set. Pure: what should be open, given what is measured.

export const ALERT_KINDS = ["lag", "failed"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertThresholds {
  maxLagSeconds: number;
  maxFailed: number;
}

export interface Measured {
  p95LagSeconds: number | null;
  oldestPendingAgeSeconds: number | null;
  failed: number;
}

export interface AlertCheck {
  kind: AlertKind;
  crossed: boolean;
  value: number;
  threshold: number;
  message: string;
}

export function checkAlerts(m: Measured, t: AlertThresholds): AlertCheck[] {
  const lag = Math.round(Math.max(m.p95LagSeconds ?? 0, m.oldestPendingAgeSeconds ?? 0));
  return [
    { kind: "lag", crossed: lag > t.maxLagSeconds, value: lag, threshold: t.maxLagSeconds, message: `Documents take ${lag} s to reach the ERP (threshold ${t.maxLagSeconds} s): check the connection's status and failures.` },
    { kind: "failed", crossed: m.failed > t.maxFailed, value: m.failed, threshold: t.maxFailed, message: `${m.failed} records failed to sync (threshold ${t.maxFailed}): fix what their errors say, then replay them.` },
  ];
}
