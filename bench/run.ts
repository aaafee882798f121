import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (each in its own process, so one cannot
 * disturb another's figures), then prints one table of what they wrote to bench/results/.
 * `npm run bench -- forum` runs only the benchmarks whose name contains "forum".
 */
const dir = new URL(".", import.meta.url).pathname;
const filter = process.argv[2];
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();

const outcomes: { bench: string; status: string; seconds: number }[] = [];
for (const file of benches) {
  console.log(`\n>>> ${file}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ["--import", "tsx", `${dir}${file}`], {
    stdio: "inherit",
    timeout: 15 * 60_000,
  });
  outcomes.push({
    bench: file,
    status: result.status === 0 ? "ok" : `failed (${result.status ?? result.signal})`,
    seconds: Math.round((Date.now() - started) / 1000),
  });
}

console.log("\n# Summary");
console.table(outcomes);
const resultsDir = `${dir}results`;
if (existsSync(resultsDir)) {
  const rows = readdirSync(resultsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => {
      const {
        name,
        date,
        machine: _machine,
        rows: _rows,
        ...figures
      } = JSON.parse(readFileSync(`${resultsDir}/${f}`, "utf8"));
      return { name, date, figures: JSON.stringify(figures).slice(0, 160) };
    });
  console.table(rows);
}
process.exit(outcomes.every((o) => o.status === "ok") ? 0 : 1);
