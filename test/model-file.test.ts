// Model files keep every bit: save() writes -0 as -0 (JSON.stringify would write 0), the
// file is replaced atomically, and load() gives back the same parameters.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';

describe('model files', () => {
  it.each(['wasm', 'js'] as const)('keep -0 through save and load (%s)', async (backend) => {
    const net = await MLP.create({ layers: [2, 2, 1], seed: 42, backend });
    const json = net.toJSON();
    json.weights[0][1] = -0;
    json.biases[1][0] = -0;
    const signed = await MLP.fromJSON(json, { backend });
    const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-'));
    const path = join(dir, 'model.json');
    await signed.save(path);
    expect(readFileSync(path, 'utf8')).toContain('"biases":[[0.15601864044243652,0.15599452033620265],[-0]]');
    expect(readdirSync(dir)).toEqual(['model.json']);
    const loaded = (await MLP.load(path, { backend })).toJSON();
    expect(Object.is(loaded.weights[0][1], -0)).toBe(true);
    expect(Object.is(loaded.biases[1][0], -0)).toBe(true);
    expect(loaded).toEqual(signed.toJSON());
    net.dispose();
    signed.dispose();
  });
});
