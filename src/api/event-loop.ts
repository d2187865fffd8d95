// How fitAsync gives the event loop a turn between slices. setImmediate where the engine has
// one (Node, Bun); elsewhere (browsers, workers, Deno) a message on a MessageChannel, which is
// a task like any other, so input, rendering and timers get their turn. Both skip setTimeout's
// clamp (1 ms in Node, 4 ms in browsers once nested), which would cost more than a slice.
type Immediate = (callback: () => void) => unknown;

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    if (channel === undefined) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(undefined);
  });
}
