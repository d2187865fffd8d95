// numpy's legacy random stream (np.random.seed(int) + rand / permutation): MT19937 seeded
// with init_genrand, numpy's 53-bit doubles and its masked-rejection shuffle, bit for bit.
// Weight initialisation and sample order must match the numpy notebook exactly, so nothing
// here may deviate from numpy's C code, not even in how many 32-bit words a call consumes.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** Seeds like `np.random.seed(seed)` for an integer seed in 0…2^32−1. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState seed must be an integer in [0, 4294967295], got ${String(seed)}`);
    }
    const key = this.key;
    let s = seed >>> 0;
    key[0] = s;
    for (let i = 1; i < N; i++) {
      // 1812433253 * x overflows 2^53, so the product has to be taken modulo 2^32.
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i) >>> 0;
      key[i] = s;
    }
    // numpy leaves pos = 624, so the first draw regenerates the whole block.
    this.pos = N;
  }

  private generate(): void {
    const key = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** genrand_int32: the next tempered 32-bit word, as an unsigned number. */
  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's random_sample: two words, 27 + 26 bits, in [0, 1). */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `np.random.rand(...).ravel()` into out[offset … offset+count). */
  fill(out: Float64Array | Float32Array, offset = 0, count = out.length - offset): void {
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0 || offset + count > out.length) {
      throw new RangeError(`fill range [${offset}, ${offset + count}) is outside an array of length ${out.length}`);
    }
    const end = offset + count;
    for (let i = offset; i < end; i++) out[i] = this.randomSample();
  }

  /**
   * numpy's random_interval(max): uniform in [0, max] by masking to the smallest covering
   * power of two and rejecting. Only the 32-bit path (one word per attempt) exists here;
   * numpy switches to 64-bit draws above 0xffffffff, which no caller can reach.
   */
  randomInterval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`randomInterval max must be an integer in [0, 4294967295], got ${String(max)}`);
    }
    // max = 0 consumes no draw in numpy, so it must not here either.
    if (max === 0) return 0;
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * `np.random.permutation(n)` on a legacy RandomState: arange(n) shuffled by the legacy
   * Fisher-Yates (i from n−1 down to 1, j = random_interval(i)). This is not what
   * numpy's Generator does (it uses Lemire's bounded ints), so the two streams differ.
   */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`permutation size must be an integer in [0, 2147483647], got ${String(n)}`);
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** An independent copy of the stream at its current position (cheaper than getState). */
  clone(): RandomState {
    const copy: RandomState = Object.create(RandomState.prototype);
    (copy as unknown as { key: Uint32Array }).key = this.key.slice();
    copy.pos = this.pos;
    return copy;
  }

  /** The generator's state, as numpy's get_state() holds it: 624 key words and a position. */
  getState(): { key: number[]; position: number } {
    return { key: Array.from(this.key), position: this.pos };
  }

  /** Restores a state from getState(); the caller has validated it. */
  static fromState(state: { key: readonly number[]; position: number }): RandomState {
    const random = new RandomState(0);
    random.key.set(state.key);
    random.pos = state.position;
    return random;
  }
}
