// Where every page gets its nets: each lives in a Worker (worker: true), so training never
// holds up the page's own thread; pages await every call on it.
import { MLP, type CreateOptions, type LoadOptions } from './library.ts';

export function createNet(options: CreateOptions) {
  return MLP.create({ ...options, worker: true });
}

export function netFromJSON(json: unknown, options: LoadOptions) {
  return MLP.fromJSON(json, { ...options, worker: true });
}

export type Net = Awaited<ReturnType<typeof createNet>>;
