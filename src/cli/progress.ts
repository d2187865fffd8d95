// Training progress for the CLI, on stderr so stdout stays the result: a progress bar
// (cli-progress) on a terminal, otherwise one plain line per --log-every epochs.
import cliProgress from 'cli-progress';
import type { EpochStats } from '../api/options.ts';

export interface Progress {
  /** How often fit should call back. */
  every: number;
  onEpochEnd(stats: EpochStats): void;
  stop(): void;
}

const fixed = (x: number | undefined, digits = 4) => (x === undefined ? '-' : x.toPrecision(digits));
const rate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

/** Plain lines every `logEvery` epochs (none when undefined), or a bar when `tty`. */
export function progress(epochs: number, logEvery: number | undefined, tty: boolean): Progress | undefined {
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'epoch {value}/{total} [{bar}] loss {loss} val {valLoss} acc {accuracy} val acc {valAccuracy} | {rate} samples/s | ETA {eta_formatted}',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(epochs, 0, { loss: '-', valLoss: '-', accuracy: '-', valAccuracy: '-', rate: '-' });
    return {
      every: logEvery ?? Math.max(1, Math.floor(epochs / 200)),
      onEpochEnd(s) {
        bar.update(s.epoch, { loss: fixed(s.loss), valLoss: fixed(s.valLoss), accuracy: fixed(s.accuracy), valAccuracy: fixed(s.valAccuracy), rate: rate(s.samplesPerSecond) });
      },
      stop: () => bar.stop(),
    };
  }
  if (logEvery === undefined) return undefined;
  const width = String(epochs).length;
  return {
    every: logEvery,
    onEpochEnd(s) {
      const parts = [`epoch ${String(s.epoch).padStart(width)}/${epochs}`, `loss ${fixed(s.loss, 6)}`];
      if (s.valLoss !== undefined) parts.push(`val_loss ${fixed(s.valLoss, 6)}`);
      if (s.accuracy !== undefined) parts.push(`accuracy ${fixed(s.accuracy)}`);
      if (s.valAccuracy !== undefined) parts.push(`val_accuracy ${fixed(s.valAccuracy)}`);
      parts.push(`${rate(s.samplesPerSecond)} samples/s`);
      process.stderr.write(`${parts.join('  ')}\n`);
    },
    stop() {},
  };
}
