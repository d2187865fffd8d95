// The worker's side of a worker net's streamed fit: DataSources whose blocks come from the
// caller (source-feed.ts). Each batches() is a new pass; its iterator posts a `pull` for a
// block and, once one arrives, asks for the next at once, so the caller reads ahead by one
// block while the fit trains on the last; ending a pass early posts `close-pass`.
import type { DataSource, RowBlock } from '../data/data-source.ts';
import { fromWire, type FromWorker, type SourceName, type SourceStandIn, type ToWorker } from './worker-protocol.ts';

type Waiter = { resolve(result: IteratorResult<RowBlock>): void; reject(error: unknown): void };

export class SourceProxies {
  readonly #id: number;
  readonly #post: (message: FromWorker) => void;
  readonly #waiting = new Map<string, Waiter[]>();
  readonly #passes: Record<SourceName, number> = { source: 0, validationSource: 0 };

  constructor(id: number, post: (message: FromWorker) => void) {
    this.#id = id;
    this.#post = post;
  }

  /** The DataSource a stand-in stands for, with the columns the caller's source named. */
  source(standIn: SourceStandIn): DataSource {
    const name = standIn.streamed;
    const described: Record<string, unknown> = {};
    for (const key of ['classes', 'features', 'target'] as const) if (standIn[key] !== undefined) described[key] = standIn[key];
    return { ...described, batches: () => this.#pass(name, this.#passes[name]++) };
  }

  /** A block (or the end, or a failure) the caller sent for a pull. */
  receive(message: Extract<ToWorker, { type: 'block' }>): void {
    const waiter = this.#waiting.get(`${message.source}:${message.pass}`)?.shift();
    if (waiter === undefined) return;
    if ('block' in message) waiter.resolve({ done: false, value: message.block as RowBlock });
    else if ('done' in message) waiter.resolve({ done: true, value: undefined });
    else if ('error' in message) waiter.reject('code' in message.error ? fromWire(message.error) : new Error('the data source failed'));
    else waiter.reject(new Error(message.thrown));
  }

  #pass(name: SourceName, pass: number): AsyncIterableIterator<RowBlock> {
    const key = `${name}:${pass}`;
    const queue: Waiter[] = [];
    this.#waiting.set(key, queue);
    let ahead: Promise<IteratorResult<RowBlock>> | undefined;
    let over = false;
    const pull = () => {
      const next = new Promise<IteratorResult<RowBlock>>((resolve, reject) => queue.push({ resolve, reject }));
      this.#post({ type: 'pull', id: this.#id, source: name, pass });
      // A block read ahead that nobody takes must not be an unhandled rejection.
      next.catch(() => undefined);
      return next;
    };
    const end = () => {
      over = true;
      this.#waiting.delete(key);
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: async () => {
        if (over) return { done: true, value: undefined };
        const current = ahead ?? pull();
        ahead = undefined;
        try {
          const result = await current;
          if (result.done) end();
          else ahead = pull();
          return result;
        } catch (error) {
          end();
          throw error;
        }
      },
      return: async () => {
        if (!over) {
          end();
          this.#post({ type: 'close-pass', id: this.#id, source: name, pass });
        }
        return { done: true, value: undefined };
      },
    };
  }
}
