// What MLP.fromJSON needs beyond every page's code, the entry of a lazy piece ("model reader"):
// reading a model (model-json.ts), and writing it into a new net's memory with the info it
// carries (the other direction of model-state.ts readModel), so a page that never loads a
// model carries neither.
import { writeCounters, type NetInfo } from '../api/model-state.ts';
import type { NetMemory } from '../api/net-memory.ts';
import type { ModelJSON } from './model-json.ts';

export { parseModel } from './model-json.ts';

/** Writes a parsed model's parameters (and training state) into copy 0, the current one of a new net. */
export function writeModel(memory: NetMemory, model: ModelJSON): void {
  const m = memory.floats();
  memory.layout.slots.forEach((slot, l) => {
    m.set(model.weights[l], slot.weights);
    m.set(model.biases[l], slot.biases);
  });
  if (model.training) {
    const t = model.training;
    // Both copies: whichever a later fit makes current holds the state (sgd never writes it).
    for (const copy of [0, 1]) {
      m.set(t.state1, memory.at('state1', copy));
      m.set(t.state2, memory.at('state2', copy));
    }
    writeCounters(memory, t);
  }
}

/** The info a parsed model carries. */
export function modelInfo(model: ModelJSON): NetInfo {
  return {
    normalization: model.normalization,
    classes: model.classes,
    features: model.features,
    target: model.target,
    optimizer: model.training?.optimizer,
  };
}
