// The float32 WebAssembly kernel's exports: assembly/index.ts's train, evaluate, work and largestMagnitude over
// f32 elements, in a module of its own, so that float64 nets never load the float32 code.
// The exp table is filled by the host as for every kernel (f32 exp reads the f64 table).
import { evaluate as evaluateOf, train as trainOf, work as workOf } from './mlp';
import { largestMagnitude as largestMagnitudeOf } from './magnitude';
export { expTable } from './exp';
export { heapBase } from './heap';

export function train(
  net: usize, inputs: i32, targets: i32, count: i32, order: i32, epochs: i32, stats: i32,
  valInputs: i32, valTargets: i32, valCount: i32, from: i32, to: i32,
): i32 {
  return trainOf<f32>(net, inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount, from, to);
}

export function evaluate(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32, stats: i32, resume: i32): void {
  evaluateOf<f32>(net, inputs, targets, count, outputs, stats, resume);
}

export function work(net: usize, session: i32): void {
  workOf<f32>(net, session);
}

export function largestMagnitude(first: i32, count: i32): f64 {
  return largestMagnitudeOf<f32>(first, count);
}
