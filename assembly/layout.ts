// The accessors that read the network descriptor the host writes: an i32 header, a fixed-size
// i32 record per weight layer, and an f64 settings block; and the element accessors, generic
// over the net's element type T (f64 or f32). The offsets and kernel codes are
// generated from src/backends/layout.ts and kernel-codes.ts into ./layout-constants.ts; they are re-exported here.
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

/**
 * Byte address of element `index`. Every address the host writes counts elements of the net's
 * type T (f64, or f32 for a float32 net; H_DTYPE), its f64 blocks (settings, checks, stats) included.
 */
// @ts-ignore: decorator
@inline export function at<T>(index: i32): usize {
  return (<usize>index) << alignof<T>();
}

/** The i-th f64 from `address` (the settings, checks and stats blocks). */
// @ts-ignore: decorator
@inline export function get(address: usize, i: i32): f64 {
  return load<f64>(address + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline export function set(address: usize, i: i32, value: f64): void {
  store<f64>(address + ((<usize>i) << 3), value);
}

/** The i-th T from `address` (parameters, state, data and scratch). */
// @ts-ignore: decorator
@inline export function el<T>(address: usize, i: i32): T {
  return load<T>(address + ((<usize>i) << alignof<T>()));
}

// @ts-ignore: decorator
@inline export function put<T>(address: usize, i: i32, value: T): void {
  store<T>(address + ((<usize>i) << alignof<T>()), value);
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
