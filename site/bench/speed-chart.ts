// The bar chart: per fit, one bar per variant, its length the samples per second relative to
// the fastest variant of that fit, labelled with the speed and the speed-up over js.
import { si, times } from '../../bench/format.ts';
import type { ResultGroup } from './result-groups.ts';

export function renderSpeedChart(container: HTMLElement, groups: readonly ResultGroup[]): void {
  container.replaceChildren(
    ...groups.map((g) => {
      const figure = document.createElement('figure');
      figure.className = 'speed-group';
      const caption = document.createElement('figcaption');
      caption.innerHTML = `<strong></strong> <span></span>`;
      caption.querySelector('strong')!.textContent = g.workload;
      caption.querySelector('span')!.textContent = `${g.layers}, batch ${g.batchSize}`;
      const fastest = Math.max(...g.speeds.map((s) => s.samplesPerSecond));
      const js = g.speeds.find((s) => s.label === 'js')?.samplesPerSecond;
      const rows = g.speeds.map((s) => {
        const row = document.createElement('div');
        row.className = 'speed-row';
        row.dataset.variant = s.label;
        const label = document.createElement('span');
        label.className = 'speed-label';
        label.textContent = s.label;
        const track = document.createElement('span');
        track.className = 'speed-track';
        const bar = document.createElement('span');
        bar.className = 'speed-bar';
        bar.style.width = `${((100 * s.samplesPerSecond) / fastest).toFixed(1)}%`;
        track.append(bar);
        const value = document.createElement('span');
        value.className = 'speed-value';
        value.textContent = `${si(s.samplesPerSecond)}/s${js && s.label !== 'js' ? ` · ${times(s.samplesPerSecond / js)} js` : ''}`;
        row.append(label, track, value);
        return row;
      });
      figure.append(caption, ...rows);
      return figure;
    }),
  );
}
