// The kernels' codes by name: each activation's, loss's, optimizer's and dtype's index in
// layout.ts's lists of names. Only the kernels switch on them (the js backend, and the wasm
// kernel through assembly/layout-constants.ts); they are apart from layout.ts so that the
// browser bundle's core, which never does, leaves them out.
import { ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS } from './layout.ts';

// The codes by name, for the kernels' switches (scripts/gen-layout.mjs checks that every name
// has one and writes them into assembly/layout-constants.ts).
export const ACTIVATION_SIGMOID = ACTIVATIONS.indexOf('sigmoid');
export const ACTIVATION_TANH = ACTIVATIONS.indexOf('tanh');
export const ACTIVATION_RELU = ACTIVATIONS.indexOf('relu');
export const ACTIVATION_LEAKY_RELU = ACTIVATIONS.indexOf('leaky-relu');
export const ACTIVATION_LINEAR = ACTIVATIONS.indexOf('linear');
export const ACTIVATION_SOFTMAX = ACTIVATIONS.indexOf('softmax');
export const LOSS_MSE = LOSSES.indexOf('mse');
export const LOSS_CROSS_ENTROPY = LOSSES.indexOf('cross-entropy');
export const LOSS_BINARY_CROSS_ENTROPY = LOSSES.indexOf('binary-cross-entropy');
export const OPTIMIZER_SGD = OPTIMIZERS.indexOf('sgd');
export const OPTIMIZER_MOMENTUM = OPTIMIZERS.indexOf('momentum');
export const OPTIMIZER_ADAM = OPTIMIZERS.indexOf('adam');
export const DTYPE_FLOAT64 = DTYPES.indexOf('float64');
export const DTYPE_FLOAT32 = DTYPES.indexOf('float32');
