// Edge shapes for the micro-kernel paths, in XNNPACK's spirit: every layer width 1..9 and
// batch size 1..9 (full 4x4 blocks, their row and column tails, the 2-wide matvec and its
// tail, the fused per-sample pass), trained and evaluated on the SIMD kernel, the scalar
// kernel and js: the same bits everywhere.
import { afterAll, describe, expect, it } from 'vitest';
import type { Optimizer } from '../src/backends/layout.ts';
import { bits, KernelNet, type Setup, type Variant } from './helpers/kernel-net.ts';

const KERNELS: Variant[] = ['simd', 'scalar', 'js'];
const opened: KernelNet[] = [];
afterAll(() => opened.forEach((n) => n.dispose()));

function setupFor(width: number, batch: number, optimizer: Optimizer): Setup {
  // Three weight layers whose widths cycle through 1..9 against the batch size, so that every
  // width meets every product (forward, back-product, gradient) as input and as output.
  const other = ((width + batch) % 9) + 1;
  const third = ((width * 2 + batch) % 9) + 1;
  return {
    layers: [width, other, third, ((batch * 5 + width) % 9) + 1],
    activations: ['tanh', 'leaky-relu', 'linear'],
    loss: 'mse',
    optimizer,
    batch,
    rows: 2 * batch + 3,
    valRows: 2 * batch + 1,
    epochs: 2,
    shuffle: batch % 2 === 0,
    learningRate: 0.05,
    weightDecay: 0,
    seed: width * 10 + batch,
  };
}

describe('widths 1..9 x batch sizes 1..9: SIMD, scalar and js bitwise', () => {
  for (const optimizer of ['sgd', 'momentum'] as Optimizer[]) {
    for (let width = 1; width <= 9; width++) {
      it(`${optimizer}, width ${width}, batch 1..9`, async () => {
        for (let batch = 1; batch <= 9; batch++) {
          const setup = setupFor(width, batch, optimizer);
          const results = [];
          for (const variant of KERNELS) {
            const net = await KernelNet.create(variant, setup);
            opened.push(net);
            const trained = net.train(0);
            const evaluated = net.evaluate(0, setup.valRows, 0);
            results.push({ variant, trained, evaluated });
          }
          const [first, ...rest] = results;
          expect(first.trained.params.every(Number.isFinite)).toBe(true);
          for (const r of rest) {
            const what = `${optimizer} layers ${setup.layers.join('-')} batch ${batch}: ${r.variant} vs ${first.variant}`;
            expect(bits(r.trained.stats), `${what} stats`).toEqual(bits(first.trained.stats));
            expect(bits(r.trained.params), `${what} params`).toEqual(bits(first.trained.params));
            expect(bits(r.trained.state1), `${what} state1`).toEqual(bits(first.trained.state1));
            expect(bits(r.evaluated.outputs), `${what} outputs`).toEqual(bits(first.evaluated.outputs));
            expect(bits(r.evaluated.stats), `${what} evaluate stats`).toEqual(bits(first.evaluated.stats));
          }
        }
      });
    }
  }
});

describe('one-row products over widths 10..19 (blocks of 8 outputs, their pair and odd tails): SIMD, scalar and js bitwise', () => {
  for (const optimizer of ['sgd', 'momentum'] as Optimizer[]) {
    it(`${optimizer}, batch 1`, async () => {
      for (let width = 10; width <= 19; width++) {
        const setup: Setup = { ...setupFor(width, 1, optimizer), layers: [width + 3, width, 29 - width, width] };
        const results = [];
        for (const variant of KERNELS) {
          const net = await KernelNet.create(variant, setup);
          opened.push(net);
          results.push({ variant, trained: net.train(0) });
        }
        const [first, ...rest] = results;
        expect(first.trained.params.every(Number.isFinite)).toBe(true);
        for (const r of rest) {
          const what = `${optimizer} layers ${setup.layers.join('-')}: ${r.variant} vs ${first.variant}`;
          expect(bits(r.trained.stats), `${what} stats`).toEqual(bits(first.trained.stats));
          expect(bits(r.trained.params), `${what} params`).toEqual(bits(first.trained.params));
        }
      }
    });
  }
});
