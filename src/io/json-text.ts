// Parses JSON text for the API and the CLI with a one-line error that says what was being
// read and, when the text simply stops, that it looks truncated.
import { MLPError, oneLine, type MLPErrorCode } from '../api/errors.ts';

export function parseJsonText(text: string, what: string, code: MLPErrorCode): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = oneLine(error instanceof Error ? error.message : String(error));
    // V8 reports either "Unexpected end of JSON input" or the position where parsing stopped.
    const position = /at position (\d+)/.exec(reason);
    const atEnd = /end of JSON input/i.test(reason) || (position !== null && Number(position[1]) >= text.trimEnd().length);
    throw new MLPError(code, `${what} is not valid JSON (${reason})${atEnd ? '; is the file truncated?' : ''}`);
  }
}
