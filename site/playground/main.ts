// The playground page: wires the controls, the layer editor, the plane and the loss chart to
// the trainer, and shows its progress and errors.
import './playground.css';
import { si } from '../../bench/format.ts';
import { byId, errorText } from '../shared/dom.ts';
import { LossChart } from '../shared/loss-chart.ts';
import type { HiddenLayer } from './architecture.ts';
import { BoundaryView } from './boundary-view.ts';
import { Controls, type ControlGroup } from './controls.ts';
import type { PlaygroundData } from './datasets.ts';
import { chosenFileText, downloadJSON } from './model-file.ts';
import { NetworkEditor } from './network-editor.ts';
import { Trainer, type Progress } from './trainer.ts';

const INITIAL_LAYERS: HiddenLayer[] = [
  { width: 8, activation: 'tanh' },
  { width: 8, activation: 'tanh' },
];

const status = byId('status');
const trainButton = byId('train', HTMLButtonElement);
const view = new BoundaryView(byId('boundary', HTMLCanvasElement), byId('points-layer', HTMLCanvasElement), byId('x-axis'), byId('y-axis'));
const chart = new LossChart(byId('loss-chart'), [
  { label: 'train', color: '#1f6fb2' },
  { label: 'test', color: '#d9822b' },
]);
let data: PlaygroundData | undefined;

const controls = new Controls(onControl);
const editor = new NetworkEditor(byId('layers'), INITIAL_LAYERS, () => onControl('network'));
const trainer = new Trainer(
  () => ({ data: controls.data, network: { hidden: editor.layers, head: controls.head, init: controls.init }, training: controls.training }),
  view.grid,
  {
    data(next) {
      data = next;
      view.showPoints(next, controls.showTest);
    },
    heat: (probability) => view.drawHeat(probability),
    progress: showProgress,
    running(running) {
      trainButton.textContent = running ? 'Pause' : 'Train';
      trainButton.setAttribute('aria-pressed', String(running));
      setStatus(running ? 'training' : 'paused', running ? 'Training…' : 'Paused. Train resumes; Step trains one epoch.');
    },
    error(error) {
      setStatus('failed', errorText(error));
    },
  },
);

function onControl(group: ControlGroup): void {
  if (group === 'data' || group === 'network') void trainer.reset();
  else if (group === 'backend') void trainer.moveNet();
  else if (group === 'view' && data) view.showPoints(data, controls.showTest);
}

function showProgress(p: Progress): void {
  const last = (values: readonly number[]) => (values.length ? formatLoss(values[values.length - 1]) : '–');
  byId('epoch').textContent = p.epoch.toLocaleString('en-US');
  byId('train-loss').textContent = last(p.trainLoss);
  byId('test-loss').textContent = last(p.testLoss);
  byId('test-accuracy').textContent = p.testAccuracy === undefined ? '–' : `${(100 * p.testAccuracy).toFixed(1)}%`;
  byId('samples-per-second').textContent = p.samplesPerSecond === undefined ? '–' : si(p.samplesPerSecond);
  chart.update(p.epochs, [p.trainLoss, p.testLoss]);
}

/** Four decimals, or three significant digits once a loss is below 0.001. */
const formatLoss = (loss: number) => (loss >= 1e-3 || loss === 0 ? loss.toFixed(4) : loss.toExponential(2));

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

trainButton.addEventListener('click', () => (trainer.running ? trainer.pause() : trainer.start()));
byId('step', HTMLButtonElement).addEventListener('click', () => void trainer.step());
byId('reset', HTMLButtonElement).addEventListener('click', () => void trainer.reset());
byId('download', HTMLButtonElement).addEventListener('click', async () => {
  const json = await trainer.modelJSON();
  if (json) downloadJSON('wasm-mlp-playground.json', json);
});
const loadInput = byId('load', HTMLInputElement);
loadInput.addEventListener('change', async () => {
  const text = await chosenFileText(loadInput);
  if (text === undefined) return;
  const settings = await trainer.load(text);
  if (!settings) return;
  editor.set(settings.hidden);
  controls.setHead(settings.head);
  setStatus('loaded', `Loaded a ${[2, ...settings.hidden.map((l) => l.width), settings.head === 'softmax' ? 2 : 1].join('-')} model. Train continues from its weights.`);
});

setStatus('ready', 'Ready: press Train.');
void trainer.reset();
