// The digits net and how it trains: 64 pixels, 128 ReLU units, a softmax over the ten digits,
// Adam on mini-batches; after training, its loss, accuracy and confusion matrix on the test
// rows it never saw.
import { DIGIT_CLASSES, DIGIT_PIXELS } from '../../bench/digits.ts';
import type { EpochStats, Evaluation } from '../shared/library.ts';
import { createNet, type Net } from '../shared/net.ts';
import type { DigitsSplit } from './digits-data.ts';

export const HIDDEN = 128;
export const EPOCHS = 30;

export async function trainDigits(split: DigitsSplit, seed: number, onEpoch: (stats: EpochStats) => void): Promise<{ net: Net; evaluation: Evaluation }> {
  const net = await createNet({
    layers: [DIGIT_PIXELS, HIDDEN, DIGIT_CLASSES],
    activation: ['relu', 'softmax'],
    loss: 'cross-entropy',
    init: 'he',
    seed,
  });
  try {
    await net.fitAsync(split.train.inputs, split.train.targets, {
      epochs: EPOCHS,
      batchSize: 32,
      optimizer: 'adam',
      learningRate: 0.002,
      shuffle: true,
      validationData: split.test,
      onEpochEnd: (stats) => {
        onEpoch(stats);
      },
    });
    return { net, evaluation: await net.evaluate(split.test.inputs, split.test.targets) };
  } catch (error) {
    await net.dispose();
    throw error;
  }
}
