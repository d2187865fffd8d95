// The playground's 2-D data sets, each a binary classification in the square [-1, 1]²:
// seeded, with noise (a Gaussian jitter of every point, so the classes come to overlap) and a
// train/test split.
import { seededRandom, type Random } from '../shared/random.ts';

export const DATASETS = {
  circle: 'Circle',
  xor: 'XOR',
  spirals: 'Two spirals',
  blobs: 'Gaussian blobs',
} as const;

export type DatasetName = keyof typeof DATASETS;

export interface DataSettings {
  dataset: DatasetName;
  points: number;
  /** 0..0.5: the jitter's standard deviation is NOISE_SCALE times this. */
  noise: number;
  /** Fraction of the points that train; the rest test. */
  trainFraction: number;
  seed: number;
}

/** Points as the library takes them: flat (x, y) pairs, and each point's class, 0 or 1. */
export interface Points {
  xy: Float64Array;
  labels: Uint8Array;
  count: number;
}

export interface PlaygroundData {
  train: Points;
  test: Points;
}

const NOISE_SCALE = 0.35;

type Generator = (random: Random, i: number, count: number) => { x: number; y: number; label: number };

const GENERATORS: Record<DatasetName, Generator> = {
  // Class 1 inside radius 0.4, class 0 on a ring from 0.6 to 0.9.
  circle(random, i) {
    const label = i % 2;
    const r = label === 1 ? 0.4 * Math.sqrt(random.uniform()) : 0.6 + 0.3 * random.uniform();
    const angle = 2 * Math.PI * random.uniform();
    return { x: r * Math.cos(angle), y: r * Math.sin(angle), label };
  },
  // Quadrants, kept a little off the axes: class 1 where x and y have the same sign.
  xor(random) {
    const side = () => (random.uniform() < 0.5 ? -1 : 1) * (0.06 + 0.84 * random.uniform());
    const x = side();
    const y = side();
    return { x, y, label: x * y > 0 ? 1 : 0 };
  },
  // Two arms of 1.75 turns each, the second the first turned by half a turn.
  spirals(random, i, count) {
    const label = i % 2;
    const t = Math.floor(i / 2) / Math.ceil(count / 2);
    const angle = 1.75 * 2 * Math.PI * t + label * Math.PI;
    const r = 0.05 + 0.85 * t;
    return { x: r * Math.sin(angle), y: r * Math.cos(angle), label };
  },
  // One round cluster per class, on the diagonal.
  blobs(random, i) {
    const label = i % 2;
    const c = label === 1 ? 0.45 : -0.45;
    return { x: c + 0.18 * random.normal(), y: c + 0.18 * random.normal(), label };
  },
};

export function generateData(s: DataSettings): PlaygroundData {
  const random = seededRandom(s.seed);
  const all: { x: number; y: number; label: number }[] = [];
  for (let i = 0; i < s.points; i++) {
    const p = GENERATORS[s.dataset](random, i, s.points);
    all.push({ x: p.x + s.noise * NOISE_SCALE * random.normal(), y: p.y + s.noise * NOISE_SCALE * random.normal(), label: p.label });
  }
  // Fisher-Yates, so the split takes points from every part of the set.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const trainCount = Math.max(1, Math.min(all.length - 1, Math.round(all.length * s.trainFraction)));
  return { train: points(all.slice(0, trainCount)), test: points(all.slice(trainCount)) };
}

function points(list: readonly { x: number; y: number; label: number }[]): Points {
  const xy = new Float64Array(list.length * 2);
  const labels = new Uint8Array(list.length);
  list.forEach((p, i) => {
    xy[2 * i] = p.x;
    xy[2 * i + 1] = p.y;
    labels[i] = p.label;
  });
  return { xy, labels, count: list.length };
}
