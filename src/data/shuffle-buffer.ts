// The seeded shuffle of a streamed fit (docs/training.md, Streamed training): rows pass
// through a buffer of N rows and leave it in an order drawn from the net's random stream.
// numpy's permutation needs the whole set at once; this needs N rows, and with N at least
// the number of rows it is a uniform shuffle of the whole set (a different one than numpy's).
import { MLPError } from '../api/errors.ts';
import { formatBytes } from '../api/validate.ts';
import type { RandomState } from '../math/random.ts';

export class ShuffleBuffer {
  /** Rows of inputs and of targets; slot `size` is the scratch a leaving row is copied to. */
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
  readonly #size: number;
  readonly #inputWidth: number;
  readonly #outputWidth: number;
  readonly #random: RandomState;
  #count = 0;

  constructor(size: number, inputWidth: number, outputWidth: number, random: RandomState) {
    this.#size = size;
    this.#inputWidth = inputWidth;
    this.#outputWidth = outputWidth;
    this.#random = random;
    try {
      this.inputs = new Float64Array((size + 1) * inputWidth);
      this.targets = new Float64Array((size + 1) * outputWidth);
    } catch {
      // The engine's RangeError (too long a typed array, or no memory) in the option's words.
      const bytes = (size + 1) * (inputWidth + outputWidth) * Float64Array.BYTES_PER_ELEMENT;
      throw new MLPError('OUT_OF_MEMORY', `shuffleBuffer ${size} holds rows of ${inputWidth} inputs and ${outputWidth} targets in ${formatBytes(bytes)}, more than this engine could allocate; use a smaller shuffleBuffer`);
    }
  }

  /** The scratch slot, where a row that leaves the buffer is found. */
  get scratch(): number {
    return this.#size;
  }

  /**
   * Makes room for the next row arriving: while the buffer is not full, the next free slot
   * (nothing leaves); once full, slot j = randomInterval(N - 1) of the stream, whose row
   * leaves (copied to the scratch slot). Returns the slot to write the arriving row into
   * and whether a row left.
   */
  admit(): { slot: number; left: boolean } {
    if (this.#count < this.#size) return { slot: this.#count++, left: false };
    const j = this.#random.randomInterval(this.#size - 1);
    this.#move(j, this.#size);
    return { slot: j, left: true };
  }

  /**
   * After the last row arrived: the next row to leave (in the scratch slot), j =
   * randomInterval(count - 1) with the last row moved into its place; false once empty.
   */
  drain(): boolean {
    if (this.#count === 0) return false;
    const j = this.#random.randomInterval(this.#count - 1);
    this.#move(j, this.#size);
    this.#count--;
    if (j !== this.#count) this.#move(this.#count, j);
    return true;
  }

  #move(from: number, to: number): void {
    const n0 = this.#inputWidth;
    const nL = this.#outputWidth;
    this.inputs.copyWithin(to * n0, from * n0, (from + 1) * n0);
    this.targets.copyWithin(to * nL, from * nL, (from + 1) * nL);
  }
}
