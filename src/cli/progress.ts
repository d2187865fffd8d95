// Training progress for the CLI, on stderr so stdout stays the result: a progress bar
// (cli-progress) on a terminal, otherwise one plain line per --log-every epochs. Both show
// an epoch's figures through epochFigures, in the words of the training summary.
import cliProgress from 'cli-progress';
import type { EpochStats } from '../api/options.ts';
import type { CliIO } from './cli-io.ts';

export interface Progress {
  /** How often fit should call back. */
  every: number;
  onEpochEnd(stats: EpochStats): void;
  stop(): void;
}

const rate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

/** One epoch's figures, as the bar and the plain lines show them: `loss 0.693147  accuracy 0.5000  val loss …  val accuracy …  1.2k samples/s`. */
export function epochFigures(s: EpochStats): string {
  const parts = [`loss ${s.loss.toPrecision(6)}`];
  if (s.accuracy !== undefined) parts.push(`accuracy ${s.accuracy.toPrecision(4)}`);
  if (s.valLoss !== undefined) parts.push(`val loss ${s.valLoss.toPrecision(6)}`);
  if (s.valAccuracy !== undefined) parts.push(`val accuracy ${s.valAccuracy.toPrecision(4)}`);
  parts.push(`${rate(s.samplesPerSecond)} samples/s`);
  return parts.join('  ');
}

/** Plain lines every `logEvery` epochs (none when undefined), or a bar when stderr is a terminal. */
export function progress(epochs: number, logEvery: number | undefined, io: CliIO): Progress | undefined {
  if (io.isTTY) {
    // cli-progress draws through a stream's write (readline's cursor moves included) and asks it isTTY and columns.
    const stream = { isTTY: true, columns: io.columns, write: (text: string) => (io.stderr(text), true) } as unknown as NodeJS.WritableStream;
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'epoch {value}/{total} [{bar}] {figures}  ETA {eta_formatted}',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(epochs, 0, { figures: '' });
    return {
      every: logEvery ?? Math.max(1, Math.floor(epochs / 200)),
      onEpochEnd: (s) => bar.update(s.epoch, { figures: epochFigures(s) }),
      stop: () => bar.stop(),
    };
  }
  if (logEvery === undefined) return undefined;
  const width = String(epochs).length;
  return {
    every: logEvery,
    onEpochEnd(s) {
      io.stderr(`epoch ${String(s.epoch).padStart(width)}/${epochs}  ${epochFigures(s)}\n`);
    },
    stop() {},
  };
}
