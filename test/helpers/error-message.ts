// The message of the MLPError a call throws, for tests that assert error text.
import { expect } from 'vitest';
import { MLPError } from '../../src/api/errors.ts';

/** `call`'s MLPError message; fails the test if it returns, or throws anything else. */
export function errorMessage(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(MLPError);
    return (error as MLPError).message;
  }
  return expect.fail('expected the call to throw');
}
