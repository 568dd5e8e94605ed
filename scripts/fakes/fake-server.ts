// A local stand-in for an outside provider (SMS, WhatsApp, email, ERP, tax authority, ...): a
// fetch-style handler, so the same code serves `npm start`, the worker tests and
// `npm run fake-provider`. The handler keeps its own state in memory and reproduces the
// provider's documented requests, responses and errors; `/_fake/*` paths are its control
// surface (recorded requests, injected faults), never part of the real provider's API.
import { createServer, type IncomingMessage, type Server } from "node:http";

export type FakeHandler = (request: Request) => Promise<Response>;

export interface FakeDefinition {
  /** Short name used on the command line, e.g. "twilio". */
  name: string;
  /** What it stands in for, for the start banner. */
  standsInFor: string;
  /** The Worker variable that points the product's client at it (its base URL). */
  envVar: string;
  /** One line: what it records or lets you trigger. */
  purpose: string;
  /** A fresh instance with empty state; `baseUrl` is where it is served (for callbacks and links). */
  create(baseUrl: string): FakeHandler;
}

export interface RunningFake {
  definition: FakeDefinition;
  url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const one of v) headers.append(k, one);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = body !== undefined && req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), { method: req.method, headers, body: hasBody ? body : undefined });
}

/** Serves one fake on 127.0.0.1 (port 0 = any free port). */
export async function serveFake(definition: FakeDefinition, port = 0): Promise<RunningFake> {
  let handler: FakeHandler | undefined;
  const server: Server = createServer(async (req, res) => {
    try {
      const response = await handler!(await toRequest(req, url));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake ${definition.name} failed: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  // A fake never keeps its host process alive (vitest's config process, a bench): it lives as
  // long as whatever started it.
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  handler = definition.create(url);
  return { definition, url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
