// Reads a whole UTF-8 file for the Node entry and the CLI (model, spec, inputs and CSV
// files). Failures are one-line MLPErrors (IO); a file too large for one JavaScript
// string says how large one may be.
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:buffer';
import { MLPError, systemReason } from '../api/errors.ts';
import { checkPath } from './file-path.ts';

/** The longest string V8 can make, in UTF-16 code units; node:buffer refuses to decode more bytes than this. */
export const MAX_TEXT_BYTES = constants.MAX_STRING_LENGTH;

const TOO_LARGE = new Set(['ERR_STRING_TOO_LONG', 'ERR_FS_FILE_TOO_LARGE']);

export function readTextFile(path: string): string {
  checkPath(path);
  try {
    return readFileSync(path).toString('utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== undefined && TOO_LARGE.has(code)) throw tooLarge(path);
    throw new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
  }
}

function tooLarge(path: string): MLPError {
  let size = '';
  try {
    size = ` (${statSync(path).size.toLocaleString('en-US')} bytes)`;
  } catch {
    /* the size is only a detail of the message */
  }
  const limit = `${MAX_TEXT_BYTES.toLocaleString('en-US')} bytes (about ${Math.round(MAX_TEXT_BYTES / 2 ** 20)} MiB)`;
  return new MLPError('IO', `cannot read ${path}: the file is too large${size}; the largest file this can read is ${limit}, the longest string JavaScript can hold`);
}
