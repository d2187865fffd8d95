// Where the host's buffers may start in a kernel's memory.

/** First free byte after the kernel's static data; the host lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}
