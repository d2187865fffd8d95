// The digits page: loads the data, trains the net with a progress bar and a loss curve,
// shows its test accuracy and confusion matrix, then classifies what the visitor draws.
import './digits.css';
import { byId, errorText } from '../shared/dom.ts';
import { LossChart } from '../shared/loss-chart.ts';
import type { Net } from '../shared/net.ts';
import { DIGIT_INK } from '../../bench/digits.ts';
import { renderConfusion } from './confusion-table.ts';
import { loadDigits, type DigitsSplit } from './digits-data.ts';
import { EPOCHS, trainDigits } from './digits-training.ts';
import { DrawPad } from './draw-pad.ts';
import { ProbabilityBars } from './probability-bars.ts';

const status = byId('status');
const progress = byId('progress', HTMLProgressElement);
const retrain = byId('retrain', HTMLButtonElement);
const chart = new LossChart(byId('loss-chart'), [
  { label: 'train', color: '#1f6fb2' },
  { label: 'test', color: '#d9822b' },
]);
const bars = new ProbabilityBars(byId('probabilities'), byId('prediction'));
const pad = new DrawPad(byId('pad', HTMLCanvasElement), byId('preview', HTMLCanvasElement), (pixels) => {
  image = pixels;
  void classify();
});
byId('clear', HTMLButtonElement).addEventListener('click', () => pad.clear());

let split: DigitsSplit | undefined;
let net: Net | undefined;
let seed = 1;
let image: Float64Array | null = null;
/** A prediction under way, and whether the image changed since it began. */
let classifying = false;
let stale = false;

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

async function classify(): Promise<void> {
  if (classifying) {
    stale = true;
    return;
  }
  if (!net || !image) {
    bars.show(null, net ? 'Draw a digit in the box.' : 'Draw a digit once the net has trained.');
    return;
  }
  classifying = true;
  try {
    const input = Array.from(image, (v) => v / DIGIT_INK);
    const [probabilities] = await net.predict([input]);
    bars.show(probabilities);
  } catch (error) {
    setStatus('failed', errorText(error));
  } finally {
    classifying = false;
  }
  if (stale) {
    stale = false;
    await classify();
  }
}

async function train(): Promise<void> {
  retrain.disabled = true;
  const old = net;
  net = undefined;
  await old?.dispose();
  const epochs: number[] = [];
  const trainLoss: number[] = [];
  const testLoss: number[] = [];
  chart.update(epochs, [trainLoss, testLoss]);
  progress.value = 0;
  progress.max = EPOCHS;
  try {
    split ??= await loadDigits();
    setStatus('training', `Training on ${split.train.inputs.length.toLocaleString('en-US')} digits…`);
    const result = await trainDigits(split, seed, (stats) => {
      epochs.push(stats.epoch);
      trainLoss.push(stats.loss);
      testLoss.push(stats.valLoss ?? NaN);
      progress.value = stats.epoch;
      byId('epoch').textContent = `${stats.epoch} / ${EPOCHS}`;
      byId('train-loss').textContent = stats.loss.toFixed(4);
      byId('test-loss').textContent = stats.valLoss?.toFixed(4) ?? '–';
      chart.update(epochs, [trainLoss, testLoss]);
      setStatus('training', `Training: epoch ${stats.epoch} of ${EPOCHS}, ${Math.round(stats.samplesPerSecond).toLocaleString('en-US')} samples/s`);
    });
    net = result.net;
    const accuracy = result.evaluation.accuracy ?? 0;
    byId('test-accuracy').textContent = `${(100 * accuracy).toFixed(1)}%`;
    renderConfusion(byId('confusion', HTMLTableElement), result.evaluation.confusion ?? []);
    byId('confusion-caption').textContent = `${split.test.inputs.length} test digits the net never trained on; ${Math.round(accuracy * split.test.inputs.length)} classified right.`;
    setStatus('trained', `Trained ${EPOCHS} epochs: ${(100 * accuracy).toFixed(1)}% of the test digits right. Draw one!`);
    await classify();
  } catch (error) {
    setStatus('failed', errorText(error));
  } finally {
    retrain.disabled = false;
  }
}

retrain.addEventListener('click', () => {
  seed++;
  void train();
});

void train();
