// What makes a fit a transaction. The parameters and optimizer state live in two copies:
// the fit's first update reads the current copy and writes the other (the kernel then
// carries on in place there), so the state before the fit stays intact at no cost and a
// failed fit only points the descriptor back at it. The rest — the optimizer's counters, a
// state replaced by switching optimizers, the host's info and random stream — is small and
// kept here by value or by reference.
import { resetOptimizerState, readCounters, writeCounters, type Counters, type NetInfo } from './model-state.ts';
import type { NetMemory } from './net-memory.ts';
import type { Optimizer } from '../backends/layout.ts';
import type { RandomState } from '../math/random.ts';
import type { Floats } from '../backends/layout.ts';

export class FitTransaction {
  readonly #memory: NetMemory;
  readonly #copy: number;
  readonly #counters: Counters;
  readonly #info: NetInfo;
  readonly #random: RandomState | undefined;
  /** The state a switch of optimizer zeroed, with the copy it was in. */
  #replacedState: [Floats, Floats] | undefined;

  /** `random`: a snapshot of the stream, when the fit draws from it (shuffling). */
  constructor(memory: NetMemory, info: NetInfo, random: RandomState | undefined) {
    this.#memory = memory;
    this.#copy = memory.copy;
    this.#counters = readCounters(memory);
    this.#info = info;
    this.#random = random;
  }

  get info(): NetInfo {
    return this.#info;
  }

  /**
   * Starts optimizer `to` afresh, keeping the state the old one held. Between two optimizers
   * without state (sgd, or none yet) the state is left as it is: still the zeros a net starts
   * with (or a model file's), and not written, since a wide net's is megabytes.
   */
  switchOptimizer(from: Optimizer | undefined, to: Optimizer): void {
    const hadState = from === 'momentum' || from === 'adam';
    if (hadState) {
      const m = this.#memory.floats();
      const n = this.#memory.layout.paramCount;
      const s1 = this.#memory.at('state1', this.#copy);
      const s2 = this.#memory.at('state2', this.#copy);
      this.#replacedState = [m.slice(s1, s1 + n), m.slice(s2, s2 + n)];
    }
    resetOptimizerState(this.#memory, hadState || to !== 'sgd');
  }

  /** Arms the out-of-place first update: from here on the kernel may train. */
  begin(): void {
    this.#memory.pointAt(this.#copy, true);
  }

  /** Puts the memory back as it was; returns the info and random stream to restore. */
  rollback(): { info: NetInfo; random: RandomState | undefined } {
    const memory = this.#memory;
    memory.pointAt(this.#copy);
    writeCounters(memory, this.#counters);
    if (this.#replacedState) {
      const m = memory.floats();
      m.set(this.#replacedState[0], memory.at('state1', this.#copy));
      m.set(this.#replacedState[1], memory.at('state2', this.#copy));
    }
    return { info: this.#info, random: this.#random };
  }

  /** Keeps what the fit did; a fit that ran no update leaves the first update unarmed. */
  commit(): void {
    this.#memory.clearShift();
  }
}
