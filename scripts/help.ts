// npm run help: every package.json script with its one-line description.
import { readFileSync } from "node:fs";
import { scriptDescriptions } from "./script-descriptions.ts";

const scripts = Object.keys(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).scripts as Record<string, string>);
const width = Math.max(...scripts.map((s) => s.length));
console.log("npm run <script>:\n");
for (const name of scripts)
  console.log(`  ${name.padEnd(width)}  ${scriptDescriptions[name] ?? "(no description: add one to scripts/script-descriptions.ts)"}`);
