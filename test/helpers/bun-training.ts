// Run under Bun by test/bun.test.ts: `bun test/helpers/bun-training.ts ENTRY CASES OUT` imports
// the built library ENTRY, trains the cases in the exact-JSON file CASES on every kernel and
// writes { bun: Bun's version, results } to OUT as exact JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fromExactJSON, toExactJSON, trainAll, type TrainingCase } from './training-bits.ts';

const [entry, casesPath, outPath] = process.argv.slice(2);
const lib = (await import(pathToFileURL(entry).href)) as Parameters<typeof trainAll>[0];
const results = await trainAll(lib, fromExactJSON<TrainingCase[]>(readFileSync(casesPath, 'utf8')));
writeFileSync(outPath, toExactJSON({ bun: process.versions.bun ?? null, results }));
