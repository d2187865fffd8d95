// Loads one of the library's optional pieces with the import() its caller wrote: in the
// browser bundle each is a chunk beside wasm-mlp.js, fetched on first use (scripts/build.mjs).
// A piece that cannot be fetched is an MLPError naming it and what to serve, as a missing
// kernel file is, never the engine's own TypeError.
import { MLPError, oneLine } from './errors.ts';

export async function loadPiece<T>(piece: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof MLPError) throw error;
    const reason = oneLine(error instanceof Error ? error.message : String(error));
    throw new MLPError('IO', `wasm-mlp could not load its ${piece} (${reason}); ${SERVE_FILES}`);
  }
}

/** What a page whose library files are missing should do (a piece's or a kernel's). */
export const SERVE_FILES = "serve every file of the package's build/browser/ next to wasm-mlp.js, or import wasm-mlp/standalone, which is one file";

/** Reading and writing model files (src/io/model-store.ts): only save and load need it. */
export function modelStore(): Promise<typeof import('../io/model-store.ts')> {
  return loadPiece('model store', () => import('../io/model-store.ts'));
}
