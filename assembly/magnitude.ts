// The host's check of the rows it copies into memory: their largest magnitude, which also
// says whether every element is finite. A scan in the kernel runs several times faster than
// the same loop in JavaScript, and a one-epoch fit of wide rows spends a tenth of its time
// there otherwise.
import { at } from './layout';

/**
 * max |x| over the `count` elements of T from element `first`: NaN when one is NaN, else
 * +Infinity when one is infinite (max and pmax order ±Infinity; max propagates NaN). Called by
 * the host (src/api/rows.ts) once per block of rows it copies in: fit's data, predict's chunks.
 * The order of a max does not change its value, so the SIMD lanes agree with the js backend's loop.
 */
export function largestMagnitude<T>(first: i32, count: i32): f64 {
  let p = at<T>(first);
  const end = p + at<T>(count);
  let largest: T = 0;
  if (ASC_FEATURE_SIMD) {
    // pmax is one instruction where max is a NaN-propagating sequence (a max chain ran at a
    // fifth of memory speed); NaN is looked for on the side.
    let lanes = v128.splat<T>(0);
    let nan = lanes;
    for (; p + 16 <= end; p += 16) {
      const x = v128.abs<T>(v128.load(p));
      lanes = v128.pmax<T>(lanes, x);
      nan = v128.or(nan, v128.ne<T>(x, x));
    }
    if (v128.any_true(nan)) return NaN;
    if (sizeof<T>() == 8) {
      largest = <T>max(f64x2.extract_lane(lanes, 0), f64x2.extract_lane(lanes, 1));
    } else {
      largest = <T>max(max(f32x4.extract_lane(lanes, 0), f32x4.extract_lane(lanes, 1)), max(f32x4.extract_lane(lanes, 2), f32x4.extract_lane(lanes, 3)));
    }
  }
  for (; p < end; p += sizeof<T>()) largest = max<T>(largest, abs<T>(load<T>(p)));
  return <f64>largest;
}
