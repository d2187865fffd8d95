// The wasm-mlp binary (build/node/cli.js): the process's arguments, streams and exit code
// around runCli (src/cli/main.ts).
import { runCli } from './main.ts';

// A reader that closed the pipe (`| head -1`) has all it wants: stop quietly, as cat does.
// Progress on a closed stderr is dropped; training and --out go on.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  get columns() {
    return process.stderr.columns;
  },
}).then((code) => {
  process.exitCode = code;
});
