// The exp table of src/math/exp-table.ts as the browser builds carry it (scripts/build.mjs swaps
// this file in): computed once at load from what the table is, 2^(i/128) ~= H[i] * (1 + T[i])
// with H[i] the double nearest 2^(i/128) and T[i] the double nearest the relative error left,
// in exact integer arithmetic, instead of shipping its 2048 bytes of constants. The build and
// test/exp-table.test.ts check that it gives upstream's doubles, every bit.

/** Fixed-point fraction bits: far more than a double's 53, so each rounding below is the exact value's. */
const FRACTION = 300n;

/** floor(sqrt(n)) by Newton's iteration from above. */
function isqrt(n: bigint): bigint {
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

export const EXP_TABLE: Float64Array = (() => {
  const table = new Float64Array(256);
  // 2^(1/128): the square root of 2, taken seven times.
  let step = 2n << FRACTION;
  for (let k = 0; k < 7; k++) step = isqrt(step << FRACTION);
  for (let i = 0, power = 1n << FRACTION; i < 128; i++, power = (power * step) >> FRACTION) {
    // Number() rounds a BigInt to the nearest double; dividing by a power of two is exact.
    const h = Number(power) / 2 ** Number(FRACTION);
    const hFixed = BigInt(h * 2 ** 52) << (FRACTION - 52n);
    table[2 * i] = Number(((power - hFixed) << 200n) / hFixed) / 2 ** 200;
    table[2 * i + 1] = h;
  }
  return table;
})();
