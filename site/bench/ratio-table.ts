// The table of results: per fit, every variant's samples per second and the ratios between
// them (> 1: the first is faster). Each ratio cell carries its exact value for tests and the
// JSON copy.
import { si, times } from '../../bench/format.ts';
import type { ResultGroup } from './result-groups.ts';

export function renderRatioTable(table: HTMLTableElement, groups: readonly ResultGroup[]): void {
  const speeds = uniqueBy(groups.flatMap((g) => g.speeds), (s) => s.label);
  const ratios = uniqueBy(groups.flatMap((g) => g.ratios), (r) => r.key);
  const head = table.createTHead();
  head.replaceChildren();
  const th = (row: HTMLTableRowElement, text: string, span?: { rows?: number; cols?: number }) => {
    const cell = document.createElement('th');
    cell.scope = span?.cols ? 'colgroup' : 'col';
    cell.textContent = text;
    if (span?.rows) cell.rowSpan = span.rows;
    if (span?.cols) cell.colSpan = span.cols;
    row.append(cell);
    return cell;
  };
  const top = head.insertRow();
  for (const text of ['workload', 'layers', 'batch']) th(top, text, { rows: 2 });
  th(top, 'samples per second', { cols: speeds.length }).className = 'group';
  th(top, 'ratios', { cols: ratios.length }).className = 'group';
  const second = head.insertRow();
  for (const s of speeds) th(second, s.short).title = s.label;
  ratios.forEach((r, i) => {
    const cell = th(second, r.label);
    if (i === 0) cell.classList.add('group-start');
  });
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  for (const g of groups) {
    const row = body.insertRow();
    const cell = (text: string, className = '') => {
      const td = row.insertCell();
      td.textContent = text;
      if (className) td.className = className;
      return td;
    };
    cell(g.workload, 'text');
    cell(g.layers, 'text');
    cell(String(g.batchSize));
    for (const { label } of speeds) {
      const s = g.speeds.find((x) => x.label === label);
      cell(s ? si(s.samplesPerSecond) : '–');
    }
    for (const [i, { key }] of ratios.entries()) {
      const r = g.ratios.find((x) => x.key === key);
      const td = cell(r ? times(r.value) : '–', i === 0 ? 'ratio group-start' : 'ratio');
      if (r) {
        td.dataset.testid = `ratio-${g.workload}-${key}`;
        td.dataset.value = String(r.value);
        td.classList.add(r.value >= 1 ? 'faster' : 'slower');
      }
    }
  }
}

/** The first of each kind, in order of appearance. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}
