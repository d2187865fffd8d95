// The Node entry (build/node/index.js): the same API as the browser bundle.
export * from './browser.ts';
