// The accessors that read the network descriptor the host writes: an i32 header, a fixed-size
// i32 record per weight layer, and an f64 settings block. The offsets and kernel codes are
// generated from src/backends/layout.ts into ./layout-constants.ts; they are re-exported here.
export * from './layout-constants';
import { LAYER_FIELDS, NET_HEADER } from './layout-constants';

/** Header field `f`. */
// @ts-ignore: decorator
@inline export function header(net: usize, f: i32): i32 {
  return load<i32>(net + ((<usize>f) << 2));
}

/** Field `f` of weight layer `layer` (0-based: layer 0 is W_1). */
// @ts-ignore: decorator
@inline export function field(net: usize, layer: i32, f: i32): i32 {
  return load<i32>(net + ((<usize>(NET_HEADER + layer * LAYER_FIELDS + f)) << 2));
}

/** Byte address of f64 element `index`. */
// @ts-ignore: decorator
@inline export function at(index: i32): usize {
  return (<usize>index) << 3;
}

/** The i-th f64 from `address`. */
// @ts-ignore: decorator
@inline export function get(address: usize, i: i32): f64 {
  return load<f64>(address + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline export function set(address: usize, i: i32, value: f64): void {
  store<f64>(address + ((<usize>i) << 3), value);
}

/** Adds `delta` to header field `f`. */
// @ts-ignore: decorator
@inline export function addToHeader(net: usize, f: i32, delta: i32): void {
  const p = net + ((<usize>f) << 2);
  store<i32>(p, load<i32>(p) + delta);
}

/** Adds `delta` to field `f` of weight layer `layer`. */
// @ts-ignore: decorator
@inline export function addToField(net: usize, layer: i32, f: i32, delta: i32): void {
  const p = net + ((<usize>(NET_HEADER + layer * LAYER_FIELDS + f)) << 2);
  store<i32>(p, load<i32>(p) + delta);
}
