// npm run fake-provider -- <name> [--port N]: serve one local fake provider on its own, e.g. to
// point a dev Worker at it or to poke it with curl.
import { fakeDefinitions } from "./registry.ts";
import { serveFake } from "./fake-server.ts";

const [name, ...rest] = process.argv.slice(2);
const definition = fakeDefinitions.find((d) => d.name === name);
if (!definition) {
  console.error(`usage: npm run fake-provider -- <${fakeDefinitions.map((d) => d.name).join("|") || "no fakes yet"}> [--port N]`);
  process.exit(2);
}
const portFlag = rest.indexOf("--port");
const port = portFlag >= 0 ? Number(rest[portFlag + 1]) : 0;
const running = await serveFake(definition, port);
console.log(`${definition.standsInFor} (fake ${definition.name}) on ${running.url}; point the Worker at it with ${definition.envVar}=${running.url}`);
// Fakes unref their server (they never keep a test run alive); served alone, this process is the
// fake's only reason to exist, so hold it open until Ctrl-C.
setInterval(() => undefined, 2 ** 30);
