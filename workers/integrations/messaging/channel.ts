// One interface per message channel, written against each provider's published HTTP API.
// Outcomes say what the caller should do: done, retry later, or give the channel up.
export interface OutgoingMessage {
  to: string;
  subject?: string | undefined;
  body: string;
  /** Stable per customer + step + date: providers that support it dedupe on it. */
  idempotencyKey: string;
  /** One-click unsubscribe URL (email only: RFC 8058). */
  unsubscribeUrl?: string | undefined;
  /** Where the provider posts delivery statuses. */
  statusCallbackUrl?: string | undefined;
}

export type SendOutcome =
  | { kind: "sent"; providerMessageId: string }
  | { kind: "retry"; error: string; retryAfterSeconds?: number | undefined }
  | { kind: "permanent"; error: string };

export interface ChannelSender {
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

/** 429 and 5xx are worth retrying; other 4xx are not. */
export function transientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function retryAfterOf(res: Response): number | undefined {
  const v = Number(res.headers.get("retry-after"));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
