// The kernel contract the host builds its transactions on, for every kernel (wasm SIMD,
// scalar, 2 threads, and js), driven directly through createBackend and NetLayout:
// (a) the first update of a train() call with H_SHIFT != 0 writes into the other copy and the
//     descriptor moves there; the bits are those of in-place training, the old copy untouched;
// (b) H_CHECKS holds the sums of |value| of the final parameters and optimizer state;
// (c) train() stops right after an epoch whose loss or validation loss is not finite;
// (d) evaluate() resumes its running loss sum and correct count when asked;
// (e) train() paused inside an epoch (its `to`) and resumed (its `from`) gives the bits of
//     whole epochs: stats, parameters, optimizer state, counters and checks;
// (f) largestMagnitude() is max |x| of the elements asked for, NaN or Infinity when one is,
//     in both dtypes, for every start and length around the SIMD vector's.
import { afterAll, describe, expect, it } from 'vitest';
import { H_PARAMS, H_SHIFT, NetLayout, type Dtype, type Optimizer } from '../src/backends/layout.ts';
import { createBackend } from '../src/backends/create-backend.ts';
import { bits, expectedChecks, KernelNet, VARIANTS, type Setup, type TrainResult, type Variant } from './helpers/kernel-net.ts';

const OPTIMIZERS: Optimizer[] = ['sgd', 'momentum', 'adam'];

/** Batch 1 without decay takes the fused per-sample path for sgd; decay or batches do not. */
const SCHEDULES = [
  { batch: 1, weightDecay: 0, shuffle: false },
  { batch: 1, weightDecay: 1e-3, shuffle: true },
  { batch: 5, weightDecay: 0, shuffle: true },
  { batch: 4, weightDecay: 1e-3, shuffle: false },
];

function setupFor(variant: Variant, optimizer: Optimizer, schedule: (typeof SCHEDULES)[number]): Setup {
  // The threads only split products of 0.5M multiply-adds or more: a wide first layer, batches of 16.
  const wide = variant === 'threads' && schedule.batch > 1;
  return {
    layers: wide ? [64, 520, 10] : [6, 9, 5, 3],
    activations: wide ? ['relu', 'softmax'] : ['relu', 'tanh', 'softmax'],
    loss: 'cross-entropy',
    optimizer,
    batch: wide ? 16 : schedule.batch,
    rows: wide ? 37 : 23,
    valRows: 7,
    epochs: 3,
    shuffle: schedule.shuffle,
    learningRate: optimizer === 'adam' ? 0.01 : 0.1,
    weightDecay: schedule.weightDecay,
    seed: 1234 + schedule.batch,
  };
}

/** `checks`: 'bits' within one kernel; 'sums' across SIMD and in-order kernels (see expectChecks). */
function expectSameResult(what: string, got: TrainResult, want: TrainResult, optimizer: Optimizer, checks: 'bits' | 'sums' = 'bits'): void {
  expect(got.ran, `${what}: epochs run`).toBe(want.ran);
  expect(bits(got.stats), `${what}: stats`).toEqual(bits(want.stats));
  expect(bits(got.params), `${what}: params`).toEqual(bits(want.params));
  if (optimizer !== 'sgd') expect(bits(got.state1), `${what}: state1`).toEqual(bits(want.state1));
  if (optimizer === 'adam') expect(bits(got.state2), `${what}: state2`).toEqual(bits(want.state2));
  expect(bits(got.settings), `${what}: t and the powers`).toEqual(bits(want.settings));
  if (checks === 'bits') expect(bits(got.checks), `${what}: checks`).toEqual(bits(want.checks));
  else expectChecks('simd', want.checks, got.checks);
}

/**
 * The checks equal the in-order sums of |value|; the SIMD builds sum in eight lanes, the same
 * terms in another order (the host uses them as a bound), so there they agree to rounding.
 */
function expectChecks(variant: Variant, got: Float64Array, want: Float64Array): void {
  if (variant === 'scalar' || variant === 'js') {
    expect(bits(got), 'checks = the sums of the final state').toEqual(bits(want));
    return;
  }
  got.forEach((c, l) => expect(want[l] === 0 ? c : Math.abs(c - want[l]) / want[l], `checks[${l}]`).toBeLessThan(1e-13));
}

const opened: KernelNet[] = [];
afterAll(() => opened.forEach((n) => n.dispose()));

async function open(variant: Variant, setup: Setup, copy: 0 | 1 = 0): Promise<KernelNet> {
  const net = await KernelNet.create(variant, setup, copy);
  opened.push(net);
  return net;
}

describe('(a) out-of-place first update: the same bits, the old copy untouched, the descriptor moved', () => {
  for (const variant of VARIANTS) {
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of SCHEDULES) {
        const name = `${variant}, ${optimizer}, batch ${schedule.batch}${schedule.weightDecay > 0 ? ', weight decay (unfused)' : ''}${schedule.shuffle ? ', shuffled' : ''}`;
        it(name, async () => {
          const setup = setupFor(variant, optimizer, schedule);
          const a = await open(variant, setup);
          const before = a.copyOf(0);
          const want = a.train(0);
          expect(want.pointers[0]).toBe(a.layout.params);

          const b = await open(variant, setup);
          const { stride } = b.layout;
          const got = b.train(stride);
          expectSameResult(name, got, want, optimizer);
          expect(bits(b.copyOf(0)), 'copy 0 after the shifted call').toEqual(bits(before));
          expect(got.pointers, 'the descriptor after the call').toEqual(want.pointers.map((p, i) => (i === 3 ? 0 : p + stride)));
          expectChecks(variant, got.checks, expectedChecks(b, got));
          expect(Number.isFinite(got.checks[0])).toBe(true);

          // A second call on the moved descriptor runs in place in copy 1, as the first net does in copy 0.
          expectSameResult(`${name}, second call`, b.train(0), a.train(0), optimizer);
        });
      }
    }
  }

  it('every kernel gives the same bits in place (SIMD, scalar, threads on batch 1, js)', async () => {
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of SCHEDULES) {
        const runs = await Promise.all((['simd', 'scalar', 'js'] as Variant[]).map(async (v) => (await open(v, setupFor(v, optimizer, schedule))).train(0)));
        for (const r of runs.slice(1)) expectSameResult(`${optimizer} batch ${schedule.batch}`, r, runs[0], optimizer, 'sums');
      }
    }
  });

  it('a shift of -stride writes copy 0 from copy 1 (simd and js, adam and fused sgd)', async () => {
    for (const variant of ['simd', 'js'] as Variant[]) {
      for (const [optimizer, schedule] of [['adam', SCHEDULES[2]], ['sgd', SCHEDULES[0]]] as const) {
        const setup = setupFor(variant, optimizer, schedule);
        const want = (await open(variant, setup)).train(0);
        const net = await open(variant, setup, 1);
        const before = net.copyOf(1);
        const got = net.train(-net.layout.stride);
        expectSameResult(`${variant} ${optimizer} from copy 1`, got, want, optimizer);
        expect(got.pointers[0]).toBe(net.layout.params);
        expect(bits(net.copyOf(1))).toEqual(bits(before));
      }
    }
  });
});

describe('(b) H_CHECKS: sums of |value| of the final state (in order, or in lanes on SIMD)', () => {
  for (const variant of ['simd', 'scalar', 'js'] as Variant[]) {
    it(`${variant}: exact sums after training, a non-finite sum after the parameters overflow`, async () => {
      const setup = { ...setupFor(variant, 'momentum', SCHEDULES[2]), epochs: 2 };
      const net = await open(variant, setup);
      const r = net.train(0);
      expectChecks(variant, r.checks, expectedChecks(net, r));
      expect(r.checks[3]).toBeGreaterThan(0); // momentum's v
      const sgd = await open(variant, { ...setup, optimizer: 'sgd' });
      expect(sgd.train(0).checks[3]).toBe(0);
      const wild = await open(variant, { ...setup, loss: 'mse', activations: ['linear', 'linear', 'linear'], learningRate: 1e150, inputScale: 1e100 });
      const w = wild.train(0);
      expect(w.checks.some((c) => !Number.isFinite(c))).toBe(true);
    });
  }
});

describe('(c) train() stops after an epoch with a non-finite loss', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: training loss, then validation loss`, async () => {
      const base = { ...setupFor(variant, 'sgd', SCHEDULES[2]), epochs: 5, learningRate: 1e-3, loss: 'mse' as const, activations: ['linear', 'linear', 'linear'] as const };
      const net = await open(variant, { ...base, activations: [...base.activations], inputScale: 1e200 });
      const r = net.train(0);
      expect(r.ran).toBe(1);
      expect(Number.isFinite(r.stats[0])).toBe(false);
      const val = await open(variant, { ...base, activations: [...base.activations], valInputScale: 1e200 });
      const v = val.train(0);
      expect(v.ran).toBe(1);
      expect(Number.isFinite(v.stats[0])).toBe(true);
      expect(Number.isFinite(v.stats[2])).toBe(false);
      const fine = await open(variant, { ...base, activations: [...base.activations] });
      expect(fine.train(0).ran).toBe(5);
    });
  }
});

describe('(d) evaluate() resumes its running sums', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: rows in chunks give the bits of one call; resume 0 clears`, async () => {
      const setup = { ...setupFor(variant, 'adam', SCHEDULES[2]), valRows: 29, layers: [6, 9, 5, 3] };
      setup.activations = ['relu', 'tanh', 'softmax'];
      setup.batch = 5;
      const net = await open(variant, setup);
      const whole = net.evaluate(0, 29, 0);
      const outputs: number[] = [];
      let last = whole;
      for (const [from, to] of [[0, 3], [3, 4], [4, 17], [17, 29]]) {
        last = net.evaluate(from, to, from === 0 ? 0 : 1);
        outputs.push(...last.outputs);
      }
      expect(bits(last.stats)).toEqual(bits(whole.stats));
      expect(bits(outputs)).toEqual(bits(whole.outputs));
      expect(whole.stats[0]).toBeGreaterThan(0);
      // The sum, not the mean: 29 rows of cross-entropy, each > 0.
      expect(whole.stats[0]).toBeGreaterThan(net.evaluate(0, 1, 0).stats[0]);
      const again = net.evaluate(0, 29, 0);
      expect(bits(again.stats)).toEqual(bits(whole.stats));
      // Resuming after train() is not meaningful, but clearing after it is.
      net.train(0);
      expect(net.header(H_SHIFT)).toBe(0);
      expect(net.header(H_PARAMS)).toBe(net.layout.params);
    });
  }
});

describe('(e) epochs paused and resumed give the bits of whole epochs', () => {
  /**
   * Five epochs in calls of [epochs, from, to] (each call's first epoch follows the last
   * one's), for `rows` training rows in batches of `b` and then 7 validation rows.
   */
  const SPLITS: { name: string; calls: (rows: number, b: number) => [number, number, number][] }[] = [
    // Training paused at batch boundaries, validation paused mid-way, calls spanning epochs.
    { name: 'pauses in training and in validation', calls: (rows, b) => [[1, 0, b], [1, b, rows + 3], [3, rows + 3, 2 * b], [1, 2 * b, rows + 7], [2, 0, rows + 7]] },
    // The last call only validates: the checks stay those the closing update wrote.
    { name: 'a last call that only validates', calls: (rows) => [[1, 0, rows], [1, rows, rows + 2], [1, rows + 2, rows + 7], [3, 0, rows + 7], [1, 0, rows], [1, rows, rows + 7]] },
  ];

  for (const variant of VARIANTS) {
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of [SCHEDULES[0], SCHEDULES[1], { batch: 4, weightDecay: 0, shuffle: true }]) {
        const name = `${variant}, ${optimizer}, batch ${schedule.batch}${schedule.weightDecay > 0 ? ', weight decay' : ''}${schedule.shuffle ? ', shuffled' : ''}`;
        it(name, async () => {
          // An even row count, so each epoch's permutation starts on an f64; the threads split
          // products of 0.5M multiply-adds or more (a wide layer, batches of 16).
          const wide = variant === 'threads' && schedule.batch > 1;
          const setup: Setup = {
            ...setupFor(variant, optimizer, schedule),
            layers: wide ? [64, 520, 10] : [6, 9, 5, 3],
            activations: wide ? ['relu', 'softmax'] : ['relu', 'tanh', 'softmax'],
            batch: wide ? 16 : schedule.batch,
            rows: wide ? 48 : 24,
            valRows: 7,
            epochs: 5,
          };
          const whole = await open(variant, setup);
          const want = whole.train(whole.layout.stride);
          expect(want.ran).toBe(5);
          for (const split of SPLITS) {
            const net = await open(variant, setup);
            let epoch = 0;
            let got: TrainResult | undefined;
            let shift = net.layout.stride;
            for (const [epochs, from, to] of split.calls(setup.rows, setup.batch)) {
              got = net.train(shift, { epochs, from, to, order: epoch, stats: epoch });
              shift = 0;
              const completes = to === setup.rows + setup.valRows ? epochs : epochs - 1;
              expect(got.ran, `${split.name}: epochs completed by [${epochs}, ${from}, ${to}]`).toBe(completes);
              epoch += completes;
            }
            expect(epoch).toBe(5);
            expectSameResult(`${name}, ${split.name}`, { ...got!, ran: epoch }, want, optimizer);
            expect(got!.pointers, 'the descriptor').toEqual(want.pointers);
          }
        });
      }
    }
  }
});

describe('(f) largestMagnitude: the host\'s scan of the rows it copies in', () => {
  const KERNELS = [
    { name: 'simd', backend: 'wasm', simd: true, threads: 1 },
    { name: 'scalar', backend: 'wasm', simd: false, threads: 1 },
    { name: 'threads', backend: 'wasm', simd: true, threads: 2 },
    { name: 'js', backend: 'js', simd: undefined, threads: 1 },
  ] as const;
  const DTYPES: Dtype[] = ['float64', 'float32'];
  for (const kernel of KERNELS) {
    for (const dtype of DTYPES) {
      it(`${kernel.name}, ${dtype}`, async () => {
        const backend = await createBackend(kernel.backend, kernel.simd, kernel.threads, dtype);
        try {
          const layout = new NetLayout({ layers: [3, 2], activations: ['sigmoid'], loss: 'mse', dtype }, backend.base, 1);
          const at = layout.end + 8;
          backend.reserve(layout.doublesFor(at + 64));
          layout.writeDescriptor(backend.ints(), 'sgd', 1, backend.threads, true);
          const m = dtype === 'float32' ? new Float32Array(backend.memory().buffer) : backend.memory();
          // Values exact in both dtypes; the largest one placed at every position in turn.
          for (let first = 0; first < 4; first++) {
            for (let count = 0; count <= 11; count++) {
              for (let big = -1; big < count; big++) {
                m.fill(7, at - 4, at + 40);
                for (let i = 0; i < count; i++) m[at + first + i] = (i % 3) - 1.25;
                if (big >= 0) m[at + first + big] = big % 2 ? -96.5 : 96.5;
                const want = count === 0 ? 0 : big >= 0 ? 96.5 : 1.25;
                expect(backend.largestMagnitude(layout.net, at + first, count), `first ${first}, count ${count}, largest at ${big}`).toBe(want);
              }
              if (count === 0) continue;
              for (const bad of [NaN, Infinity, -Infinity]) {
                for (const where of new Set([0, count >> 1, count - 1])) {
                  for (let i = 0; i < count; i++) m[at + first + i] = (i % 3) - 1.25;
                  m[at + first + where] = bad;
                  // NaN wins over an infinity elsewhere; an infinity is reported as +Infinity.
                  m[at + first + ((where + 1) % count)] = count > 1 && bad !== bad ? -Infinity : m[at + first + ((where + 1) % count)];
                  const got = backend.largestMagnitude(layout.net, at + first, count);
                  expect(got, `first ${first}, count ${count}, ${bad} at ${where}`).toBe(bad !== bad ? NaN : Infinity);
                }
              }
            }
          }
        } finally {
          backend.dispose();
        }
      });
    }
  }
});
