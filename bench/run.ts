// npm run bench -- <name>: runs bench/<name>.ts, prints its summary as the last line (one JSON
// object) and writes it to bench/results/<name>.json.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";

const name = process.argv[2];
const available = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".bench.ts")).map((f) => f.replace(".bench.ts", ""));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(", ")})`);
  process.exit(2);
}
const mod = (await import(`./${name}.bench.ts`)) as { run: (args: string[]) => Promise<Record<string, unknown>> };
const summary = { bench: name, at: new Date().toISOString(), ...(await mod.run(process.argv.slice(3))) };
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
