// The caller's side of a worker net's streamed fit: the DataSources stay on this thread, and
// each `pull` the worker posts gets the next block of that pass, its rows moved to the worker
// (pack-rows.ts). Blocks of one pass are read in order, one at a time; the worker asks for
// at most one block ahead of the one it trains on, so a few blocks are in flight at most.
// A source's own failure travels back as its message (an MLPError as itself), and the worker
// names the block as an in-thread fit does.
import { describeValue, MLPError } from '../api/errors.ts';
import type { DataSource } from '../data/data-source.ts';
import { packRows } from './pack-rows.ts';
import { toWire, type BlockAnswer, type FromWorker, type SourceName, type ToWorker } from './worker-protocol.ts';

type AnyIterator = { next(): unknown; return?(): unknown };
type Send = (message: Extract<ToWorker, { type: 'block' }>, transfer: Transferable[]) => void;

interface Pass {
  iterator: AnyIterator | undefined;
  /** The reads of this pass, one after another. */
  queue: Promise<void>;
  index: number;
  over: boolean;
}

export class SourceFeed {
  readonly #id: number;
  readonly #sources: Partial<Record<SourceName, DataSource>>;
  readonly #widths: readonly [number, number];
  readonly #send: Send;
  readonly #passes = new Map<string, Pass>();

  constructor(id: number, sources: Partial<Record<SourceName, DataSource>>, widths: readonly [number, number], send: Send) {
    this.#id = id;
    this.#sources = sources;
    this.#widths = widths;
    this.#send = send;
  }

  handle(message: Extract<FromWorker, { type: 'pull' | 'close-pass' }>): void {
    const key = `${message.source}:${message.pass}`;
    if (message.type === 'close-pass') {
      const pass = this.#passes.get(key);
      this.#passes.delete(key);
      if (pass) close(pass);
      return;
    }
    let pass = this.#passes.get(key);
    if (pass === undefined) {
      pass = { iterator: undefined, queue: Promise.resolve(), index: 0, over: false };
      this.#passes.set(key, pass);
    }
    const current = pass;
    current.queue = current.queue.then(() => this.#next(message.source, message.pass, current));
  }

  /** Ends every pass still open (the fit is over). */
  closeAll(): void {
    for (const pass of this.#passes.values()) close(pass);
    this.#passes.clear();
  }

  async #next(name: SourceName, passNumber: number, pass: Pass): Promise<void> {
    if (pass.over) return;
    const reply = (answer: BlockAnswer, transfer: Transferable[] = []) => {
      this.#send({ type: 'block', id: this.#id, source: name, pass: passNumber, ...answer } as Extract<ToWorker, { type: 'block' }>, transfer);
    };
    try {
      if (pass.iterator === undefined) pass.iterator = iteratorOf(this.#sources[name]!);
      const result = (await pass.iterator.next()) as IteratorResult<unknown> | null;
      if (pass.over) return;
      if (result !== null && typeof result === 'object' && result.done) {
        pass.over = true;
        reply({ done: true });
        return;
      }
      const value = result !== null && typeof result === 'object' ? result.value : result;
      const transfer: Transferable[] = [];
      const block = isBlock(value)
        ? { inputs: packRows(value.inputs, this.#widths[0], transfer), targets: packRows(value.targets, this.#widths[1], transfer) }
        : value;
      try {
        reply({ block: result !== null && typeof result === 'object' ? block : result }, transfer);
      } catch (error) {
        reply({ error: { code: 'INVALID_ARGUMENT', message: `${name} block ${pass.index} could not be posted to the worker: ${error instanceof Error ? error.message : describeValue(error)}` } });
      }
      pass.index++;
    } catch (error) {
      pass.over = true;
      close(pass);
      reply(error instanceof MLPError ? { error: toWire(error) } : { thrown: error instanceof Error ? error.message : describeValue(error) });
    }
  }
}

/** The iterator of one pass: the async one of source.batches(), else its sync one. */
function iteratorOf(source: DataSource): AnyIterator {
  const iterable = source.batches() as unknown as { [Symbol.asyncIterator]?: () => AnyIterator; [Symbol.iterator]?: () => AnyIterator } | null;
  const make = iterable && (typeof iterable[Symbol.asyncIterator] === 'function' ? iterable[Symbol.asyncIterator] : iterable[Symbol.iterator]);
  if (typeof make !== 'function') throw new MLPError('INVALID_ARGUMENT', `batches() must return an AsyncIterable (or Iterable) of { inputs, targets } blocks; got ${describeValue(iterable)}`);
  return make.call(iterable);
}

function isBlock(value: unknown): value is { inputs: unknown; targets: unknown } {
  return value !== null && typeof value === 'object' && 'inputs' in value && 'targets' in value;
}

function close(pass: Pass): void {
  pass.over = true;
  const iterator = pass.iterator;
  pass.iterator = undefined;
  if (iterator === undefined || typeof iterator.return !== 'function') return;
  try {
    const answer = iterator.return();
    if (answer !== null && typeof answer === 'object' && typeof (answer as Promise<unknown>).catch === 'function') (answer as Promise<unknown>).catch(() => undefined);
  } catch {
    // The pass is over either way.
  }
}
