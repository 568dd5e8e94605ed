// Where Xero lives. The real service splits identity (login.xero.com / identity.xero.com) and
// the API (api.xero.com); a fake (XERO_BASE_URL pointing elsewhere) serves all of it under one
// origin with the same paths below it.
export interface XeroEndpoints {
  authorize: string;
  token: string;
  connections: string;
  api: string;
}

const REAL = "https://api.xero.com";

export function xeroEndpoints(baseUrl: string | undefined): XeroEndpoints {
  const base = (baseUrl ?? REAL).replace(/\/$/, "");
  if (base === REAL) {
    return { authorize: "https://login.xero.com/identity/connect/authorize", token: "https://identity.xero.com/connect/token", connections: `${REAL}/connections`, api: `${REAL}/api.xro/2.0` };
  }
  return { authorize: `${base}/identity/connect/authorize`, token: `${base}/identity/connect/token`, connections: `${base}/connections`, api: `${base}/api.xro/2.0` };
}

export const XERO_SCOPES = "openid offline_access accounting.transactions accounting.contacts accounting.settings.read";
