// The network descriptor the host writes once per net (src/layout.ts is its twin and
// the authority): an i32 header, then a fixed-size record per weight layer. Offsets are
// f64 element indices into linear memory (byte address = index * 8), so the pure-JS
// backend reads the very same descriptor against its own Float64Array.

export const NET_HEADER: i32 = 1; // [layerCount]
export const LAYER_FIELDS: i32 = 6;
export const FIELD_IN: i32 = 0; // inputs to the layer (n_{l-1})
export const FIELD_OUT: i32 = 1; // outputs of the layer (n_l)
export const FIELD_WEIGHTS: i32 = 2; // W_l, row-major out x in
export const FIELD_BIASES: i32 = 3; // b_l
export const FIELD_ACTIVATIONS: i32 = 4; // a_l of the current sample
export const FIELD_DELTAS: i32 = 5; // delta_l of the current sample

/** Number of weight layers L. */
@inline export function layerCount(net: usize): i32 {
  return load<i32>(net);
}

/** Field `f` of weight layer `layer` (0-based: layer 0 is W_1). */
@inline export function field(net: usize, layer: i32, f: i32): i32 {
  return load<i32>(net + ((<usize>(NET_HEADER + layer * LAYER_FIELDS + f)) << 2));
}

/** Byte address of f64 element `index`. */
@inline export function at(index: i32): usize {
  return (<usize>index) << 3;
}
