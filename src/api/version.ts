// The library's version: the CLI's --version and an exported model's producer_version
// (test/cli.test.ts checks it against package.json's).
export const WASM_MLP_VERSION = '0.1.0';
