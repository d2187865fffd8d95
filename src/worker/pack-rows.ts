// Rows as a worker net posts them to its worker: moved (transferred) as a copy of their own,
// or shared when they live on a SharedArrayBuffer; whatever cannot be packed travels as it
// is, for the worker's checks to name what is wrong with it.

export function isShared(array: Float64Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/**
 * Rows as they are posted. Rows on a SharedArrayBuffer are shared. Other rows reach the worker
 * as a copy of their own that is moved, not cloned: one memcpy on this thread, where cloning a
 * large array costs several times that, and the caller's arrays stay as they are. So a
 * Float64Array is sliced, and number[][] whose rows all hold `width` numbers is packed into
 * one. Anything else travels as it is, for the worker to name what is wrong with it as MLP does.
 */
export function packRows(value: unknown, width: number, transfer: Transferable[]): unknown {
  try {
    if (value instanceof Float64Array) return isShared(value) ? value : moved(value.slice(), transfer);
    if (Array.isArray(value)) return packNested(value, width, transfer) ?? value;
    if (isOptionsObject(value) && value.data instanceof Float64Array && !isShared(value.data)) return { ...value, data: moved(value.data.slice(), transfer) };
  } catch {
    // A proxy or a getter that throws: posting it fails, and MLP's checks say why.
  }
  return value;
}

function packNested(rows: unknown[], width: number, transfer: Transferable[]): { data: Float64Array; rows: number } | undefined {
  if (rows.length === 0) return undefined;
  const data = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== width) return undefined;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (typeof cell !== 'number') return undefined;
      data[r * width + c] = cell;
    }
  }
  return { data: moved(data, transfer), rows: rows.length };
}

function moved(array: Float64Array, transfer: Transferable[]): Float64Array {
  transfer.push(array.buffer);
  return array;
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
