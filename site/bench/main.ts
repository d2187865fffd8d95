// The benchmark page: runs the rows of `npm run bench` in a worker, on this browser, and shows
// the speeds as bars and a table of ratios; the whole result can be copied as JSON.
import './bench.css';
import { judge, VARIANTS, type BenchRecord } from '../../bench/measure.ts';
import { WORKLOADS } from '../../bench/workloads.ts';
import { byId } from '../shared/dom.ts';
import { browserName } from './browser-name.ts';
import { copyText } from './copy-text.ts';
import type { RunRequest, WorkerMessage } from './protocol.ts';
import { renderRatioTable } from './ratio-table.ts';
import { groupRecords } from './result-groups.ts';
import { renderSpeedChart } from './speed-chart.ts';

/** Quick mode: two small rows, one timed run each after the warm-up (a few seconds). */
const QUICK = { rows: ['xor', 'mid-b32'], runs: 1 };

const status = byId('bench-status');
const progress = byId('progress', HTMLProgressElement);
const runButton = byId('run', HTMLButtonElement);
const copyButton = byId('copy', HTMLButtonElement);
const quickInput = byId('quick', HTMLInputElement);
const isolated = globalThis.crossOriginIsolated === true;
const browser = browserName(navigator.userAgent);
let records: BenchRecord[] = [];
let mode: 'quick' | 'full' = 'full';

const params = new URLSearchParams(location.search);
/** ?only=xor,mid-b32 runs just those rows, like `npm run bench -- --only`. */
const only = params.get('only')?.split(',').filter(Boolean);
quickInput.checked = params.has('quick');
byId('browser').textContent = browser;
byId('cpus').textContent = String(navigator.hardwareConcurrency ?? '?');
byId('isolated').textContent = isolated ? 'yes: threads run' : 'no: the threads row is skipped';

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

function render(): void {
  const groups = groupRecords(records);
  renderSpeedChart(byId('chart'), groups);
  renderRatioTable(byId('ratios', HTMLTableElement), groups);
  byId('results').hidden = groups.length === 0;
  copyButton.disabled = records.length === 0;
}

function report() {
  return {
    bench: 'wasm-mlp',
    page: 'bench.html',
    date: new Date().toISOString(),
    mode,
    browser: { name: browser, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: isolated },
    records,
    targets: judge(records).filter((t) => t.ratio !== null),
  };
}

async function run(): Promise<void> {
  mode = quickInput.checked ? 'quick' : 'full';
  const chosen = only ?? (mode === 'quick' ? QUICK.rows : WORKLOADS.map((w) => w.name));
  const unknown = chosen.filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown.length) {
    setStatus('failed', `?only names no workload ${unknown.join(', ')}; the workloads are ${WORKLOADS.map((w) => w.name).join(', ')}`);
    return;
  }
  const rows = WORKLOADS.filter((w) => chosen.includes(w.name) && (isolated || (w.create.threads ?? 1) === 1));
  const runs = mode === 'quick' ? QUICK.runs : undefined;
  records = [];
  render();
  runButton.disabled = true;
  quickInput.disabled = true;
  progress.value = 0;
  progress.max = rows.reduce((sum, w) => sum + (w.variants?.length ?? VARIANTS.length) * ((runs ?? w.runs) + 1), 0);
  setStatus('running', 'Loading the digits data…');
  try {
    const response = await fetch('data/digits.csv');
    if (!response.ok) throw new Error(`data/digits.csv: the server answered ${response.status}`);
    const request: RunRequest = { rows: rows.map((w) => w.name), runs, digitsCSV: await response.text() };
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker('bench-worker.js', { type: 'module' });
      const finish = (error?: Error) => {
        worker.terminate();
        if (error) reject(error);
        else resolve();
      };
      worker.onerror = (event) => finish(new Error(`the benchmark worker failed: ${event.message || 'it could not start'}`));
      worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
        if (data.type === 'progress') {
          progress.value += 1;
          setStatus('running', `${data.workload}: ${data.run === 0 ? 'warm-up' : `run ${data.run} of ${data.runs}`}, ${data.variant}…`);
        } else if (data.type === 'record') {
          records.push(data.record);
          render();
        } else if (data.type === 'done') finish();
        else finish(new Error(data.mismatch ? `BENCH FAILED: ${data.message}` : data.message));
      };
      worker.postMessage(request);
    });
    const seconds = records.reduce((sum, r) => sum + Object.values(r.variants).reduce((s, v) => s + v.seconds.reduce((a, b) => a + b, 0), 0), 0);
    setStatus('done', `Done: ${records.length} rows, ${seconds.toFixed(1)} s timed; every loss and final weight agreed bit for bit across the variants.`);
  } catch (error) {
    setStatus('failed', error instanceof Error ? error.message : String(error));
  } finally {
    runButton.disabled = false;
    quickInput.disabled = false;
  }
}

runButton.addEventListener('click', () => void run());
copyButton.addEventListener('click', async () => {
  const how = await copyText(JSON.stringify(report(), null, 2), byId('json', HTMLTextAreaElement));
  byId('copy-status').textContent = how === 'copied' ? 'Copied to the clipboard.' : 'The clipboard is not available here: the JSON is selected below, copy it with Ctrl+C (⌘C).';
});
render();
setStatus('idle', 'Press Run to start.');
