// Plugs Node's file system into save(), load() and loadCSV(path): imported for its effect by
// the Node entry and the CLI, never by the browser bundle.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.ts';
import { useStorage } from './storage.ts';

useStorage({ read: (path) => readFileSync(path, 'utf8'), writeAtomic: writeFileAtomic });
