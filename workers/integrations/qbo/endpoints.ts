// Where QuickBooks Online lives. The real service splits consent (appcenter.intuit.com), tokens
// (oauth.platform.intuit.com) and the API (quickbooks.api.intuit.com); a fake (QBO_BASE_URL
// pointing elsewhere) serves all of it under one origin with the same paths below it.
export interface QboEndpoints {
  authorize: string;
  token: string;
  /** Append `/<realmId>/<entity>`. */
  company: string;
}

const REAL = "https://quickbooks.api.intuit.com";

export function qboEndpoints(baseUrl: string | undefined): QboEndpoints {
  const base = (baseUrl ?? REAL).replace(/\/$/, "");
  if (base === REAL) return { authorize: "https://appcenter.intuit.com/connect/oauth2", token: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer", company: `${REAL}/v3/company` };
  return { authorize: `${base}/connect/oauth2`, token: `${base}/oauth2/v1/tokens/bearer`, company: `${base}/v3/company` };
}

export const QBO_SCOPES = "com.intuit.quickbooks.accounting";

/** Intuit retires old minor versions; every call names the one the bodies are written for. */
export const QBO_MINOR_VERSION = "75";
