// What every browser suite shares: a page that records console errors, failed requests and
// bad text; named steps that count passes and failures; sign-in, screenshots and API calls with
// the page's session. A capability's page adds its suite as test/browser/<topic>.e2e.ts and one
// line in test/browser/suites.ts.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";

export interface StaffCredential {
  role: string;
  email: string;
  password: string;
  branchIds?: string[];
}
export interface Credentials {
  apiKey: string;
  readOnlyApiKey?: string;
  franchiseId?: string;
  staffEmail: string;
  staffPassword: string;
  staff?: StaffCredential[];
}
export interface SuiteOptions {
  browser: Browser;
  baseUrl: string;
  credentials: Credentials;
  outDir: string;
  /** A dead letter run.ts put in the franchise for this run, to replay from the Operations page. */
  deadLetterId?: string;
  /** The local fakes' base URLs by their Worker variable (XERO_BASE_URL, NETSUITE_BASE_URL, …), for their /_fake controls. */
  fakes?: Record<string, string>;
}
export type Suite = (options: SuiteOptions) => Promise<{ passed: number; failed: number }>;

// Callbacks passed to page.evaluate run in the browser. The root tsconfig has no DOM lib (it
// checks Worker code), so declare the little of the DOM they touch, scoped to this module.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  activeElement: { id: string; tagName: string; textContent: string | null } | null;
};

export const WIDTHS = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } } as const;
export const BAD_TEXT = /\bNaN\b|\bundefined\b|\[object Object\]/;

export type Harness = ReturnType<typeof createHarness>;

export function createHarness({ browser, baseUrl, credentials, outDir }: SuiteOptions) {
  mkdirSync(outDir, { recursive: true });
  const counts = { passed: 0, failed: 0 };
  const problems: string[] = [];

  async function session(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, baseURL: baseUrl });
    const page = await context.newPage();
    page.on("console", (m) => {
      // Chromium logs every 4xx/5xx as a console error; responses are checked below instead
      // (a 404 is expected for another tenant's invoice or a route this server lacks).
      if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => {
      // 404s are asserted where expected (tenant isolation, optional routes); anything >= 500 is a bug.
      if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
    });
    return { context, page };
  }

  async function step(name: string, fn: () => Promise<void>) {
    const t = Date.now();
    problems.length = 0;
    try {
      await fn();
      assert.deepEqual(problems, [], "no console errors or failed requests");
      counts.passed++;
      console.error(`  ✓ ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      counts.failed++;
      console.error(`  ✗ ${name}\n    ${(e as Error).message.split("\n").join("\n    ")}`);
    }
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.goto("/");
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  }

  async function settled(page: Page) {
    await page.waitForLoadState("networkidle");
    await page.waitForFunction(() => !document.querySelector(".skeleton, .placeholder"), undefined, { timeout: 30_000 });
  }

  async function cleanText(page: Page) {
    const text = await page.locator("body").innerText();
    const bad = BAD_TEXT.exec(text);
    assert.equal(bad, null, `page shows "${bad?.[0]}" near: ${text.slice(Math.max(0, (bad?.index ?? 0) - 80), (bad?.index ?? 0) + 40)}`);
  }

  async function shoot(page: Page, name: string, width: keyof typeof WIDTHS) {
    await page.screenshot({ path: `${outDir}/${name}-${WIDTHS[width].width}.png`, fullPage: true });
  }

  /**
   * Calls the API from the page with the signed-in user's session, as the dashboard does: a
   * same-origin fetch, so the browser sends the HttpOnly session cookie (and Sec-Fetch-Site).
   */
  async function apiCall<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return page.evaluate(
      async ({ method, path, body }) => {
        const headers: Record<string, string> = {};
        if (body !== undefined) Object.assign(headers, { "content-type": "application/json", "idempotency-key": crypto.randomUUID() });
        const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, body: res.status === 204 ? null : await res.json().catch(() => null) };
      },
      { method, path, body },
    ) as Promise<{ status: number; body: T }>;
  }

  /** The session cookie's value: the page itself cannot read it (HttpOnly). */
  async function sessionCookie(context: BrowserContext) {
    const cookie = (await context.cookies()).find((c) => c.name === "ll_session");
    assert.ok(cookie, "the ll_session cookie is set");
    assert.equal(cookie.httpOnly, true, "HttpOnly");
    assert.equal(cookie.sameSite, "Strict", "SameSite=Strict");
    return cookie.value;
  }

  /** Through the partner API key (Bearer), from Node: what exists, whatever a role may see. */
  async function partner<T>(path: string): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${credentials.apiKey}` } });
    assert.equal(res.status, 200, `GET ${path}`);
    return (await res.json()) as T;
  }

  const admin = { email: credentials.staffEmail, password: credentials.staffPassword };

  return { counts, problems, session, step, signIn, settled, cleanText, shoot, apiCall, sessionCookie, partner, admin, baseUrl, credentials };
}
