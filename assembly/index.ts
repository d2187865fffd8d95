// The float64 WebAssembly kernel's exports (a float64 net's module; assembly/index-f32.ts is
// the float32 one, from the same generic loops). Every export is called by the TypeScript host
// (src/backends/wasm/kernel.ts, src/backends/wasm/backend-wasm.ts); none allocates, prints or touches strings.
import { evaluate as evaluateOf, train as trainOf, work as workOf } from './mlp';
import { largestMagnitude as largestMagnitudeOf } from './magnitude';
export { expTable, expArray } from './exp';
export { logArray } from './log';
export { tanhArray } from './tanh';
export { heapBase } from './heap';

export function train(
  net: usize, inputs: i32, targets: i32, count: i32, order: i32, epochs: i32, stats: i32,
  valInputs: i32, valTargets: i32, valCount: i32, from: i32, to: i32,
): i32 {
  return trainOf<f64>(net, inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount, from, to);
}

export function evaluate(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32, stats: i32, resume: i32): void {
  evaluateOf<f64>(net, inputs, targets, count, outputs, stats, resume);
}

export function work(net: usize, session: i32): void {
  workOf<f64>(net, session);
}

export function largestMagnitude(first: i32, count: i32): f64 {
  return largestMagnitudeOf<f64>(first, count);
}
