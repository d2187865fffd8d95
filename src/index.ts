// The Node entry (build/node/index.js): the browser API plus the file system for
// net.save() and MLP.load() (atomic writes).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.ts';
import { useStorage } from './storage.ts';

useStorage({ read: (path) => readFileSync(path, 'utf8'), writeAtomic: writeFileAtomic });

export * from './browser.ts';
