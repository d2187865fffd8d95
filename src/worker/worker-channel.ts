// The caller's end of one worker net's worker: numbers the calls, routes each answer and
// epoch report to the call it belongs to, keeps a Node process alive only while calls are
// pending, fails every pending call when the worker dies, and ends the worker once its net
// is disposed and nothing is pending.
import { MLPError } from '../api/errors.ts';
import type { EpochStats } from '../api/options.ts';
import type { EpochAnswer, FromWorker, NetSnapshot, ToWorker, WireError } from './worker-protocol.ts';
import { spawnNetWorker, type NetWorkerHandle } from './worker-spawner.ts';

/** A call's answer: its value, and the net's classes when the call may have changed them. */
export interface Answer {
  value: unknown;
  classes?: string[] | null;
  snapshot?: NetSnapshot;
}

/** A call the worker did not carry out: its error as it travelled, and the classes after it. */
export class CallFailure {
  constructor(readonly error: WireError, readonly classes: string[] | null | undefined) {}
}

/** Called for each epoch report of a fit; answers through `answer`. */
export type EpochListener = (stats: EpochStats, classes: string[] | null, answer: (answer: EpochAnswer) => void) => void;

/** Called for each pull and close-pass of a streamed fit (the caller's SourceFeed). */
export type SourceListener = (message: Extract<FromWorker, { type: 'pull' | 'close-pass' }>) => void;

interface Pending {
  resolve(answer: Answer): void;
  reject(failure: CallFailure | MLPError): void;
  onEpoch: EpochListener | undefined;
  onSource: SourceListener | undefined;
}

type Call = { type: 'open'; how: Extract<ToWorker, { type: 'open' }>['how']; args: unknown[]; modules: Extract<ToWorker, { type: 'open' }>['modules'] }
  | Omit<Extract<ToWorker, { type: 'call' }>, 'id'>;

export class WorkerChannel {
  readonly #handle: NetWorkerHandle;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  /** Why the worker is gone, once it is. */
  #ended: string | undefined;
  #closing = false;

  constructor() {
    this.#handle = spawnNetWorker({
      message: (message) => this.#receive(message),
      failure: (reason) => this.#fail(reason),
    });
  }

  /**
   * Posts a call and resolves with its answer. Throws at once when the arguments cannot be
   * posted (a function where data belongs, a proxy), having sent nothing.
   */
  request(call: Call, transfer?: Transferable[], onEpoch?: EpochListener, onSource?: SourceListener): { id: number; answer: Promise<Answer> } {
    if (this.#ended !== undefined) return { id: 0, answer: Promise.reject(ended(this.#ended)) };
    const id = this.#nextId++;
    this.#handle.post({ ...call, id } as ToWorker, transfer);
    const answer = new Promise<Answer>((resolve, reject) => this.#pending.set(id, { resolve, reject, onEpoch, onSource }));
    this.#handle.hold(true);
    return { id, answer };
  }

  /** Posts a message that gets no answer (an epoch answer, an abort, a block). */
  notify(message: Extract<ToWorker, { type: 'epoch-answer' | 'abort' | 'block' }>, transfer?: Transferable[]): void {
    if (this.#ended === undefined) this.#handle.post(message, transfer);
  }

  /** Ends the worker once no call is pending (the net was disposed, or never opened). */
  close(): void {
    this.#closing = true;
    if (this.#pending.size === 0) this.terminate();
  }

  /** Ends the worker now; pending calls fail. */
  terminate(): void {
    if (this.#ended !== undefined) return;
    this.#handle.terminate();
    this.#fail('the net was disposed');
  }

  #receive(message: FromWorker): void {
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === 'epoch') {
      pending.onEpoch?.(message.stats, message.classes, (answer) => this.notify({ type: 'epoch-answer', id: message.id, answer }));
      return;
    }
    if (message.type === 'pull' || message.type === 'close-pass') {
      pending.onSource?.(message);
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message);
    else pending.reject(new CallFailure(message.error, message.classes));
    this.#settled();
  }

  #settled(): void {
    if (this.#pending.size > 0) return;
    if (this.#closing) this.terminate();
    else this.#handle.hold(false);
  }

  #fail(reason: string): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    const error = ended(reason);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#handle.hold(false);
  }
}

function ended(reason: string): MLPError {
  return new MLPError('INTERNAL', `the worker of this worker net has ended (${reason}); create or load a new MLP`);
}
