// A cheap proof that a net's forward pass stays finite: with S_l the sum of |value| over
// layer l's weights and biases and A the largest |input|, every |z_l| is at most
// S_l * max(A_{l-1}, 1), and the activations bound A_l (1 for sigmoid, tanh and softmax;
// |z| for relu and linear; max(1, alpha) |z| for leaky-relu). Far below the range of the
// net's dtype, no exp, sum or product of the pass can overflow.
import type { Architecture } from './options.ts';

/** The largest |z| bound that proves the pass finite, per dtype (rounding in the sums is far below the margin). */
const LIMITS = { float64: 1e300, float32: 1e36 } as const;

/** Whether every forward pass of inputs with |x| <= largestInput is provably finite. */
export function provesFinite(a: Architecture, layerSums: ArrayLike<number>, largestInput: number): boolean {
  const LIMIT = LIMITS[a.dtype ?? 'float64'];
  let bound = largestInput;
  for (let l = 0; l < a.activations.length; l++) {
    const z = layerSums[l] * (bound > 1 ? bound : 1);
    if (!(z < LIMIT)) return false;
    const kind = a.activations[l];
    if (kind === 'sigmoid' || kind === 'tanh' || kind === 'softmax') bound = 1;
    else if (kind === 'leaky-relu') bound = a.alpha > 1 ? z * a.alpha : z;
    else bound = z;
    if (!(bound < LIMIT)) return false;
  }
  return true;
}
