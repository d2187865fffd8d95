// Where every page gets its nets: the one place that decides whether a net trains on the
// page's thread or in a Worker. Pages await every call on the net, so either works unchanged.
import { MLP, type CreateOptions, type LoadOptions } from './library.ts';

export function createNet(options: CreateOptions) {
  return MLP.create(options);
}

export function netFromJSON(json: unknown, options: LoadOptions) {
  return MLP.fromJSON(json, options);
}

export type Net = Awaited<ReturnType<typeof createNet>>;
