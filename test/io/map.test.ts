import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeImage, decodePgm, encodePgm } from '../../src/io/image.js';
import { loadMapFile } from '../../src/io/map.js';

test('PGM P5 round trip and P2 ASCII with comments', () => {
  const values = Float64Array.from([0, 0.5, 1, 0.25, 0.75, 1], (v) => Math.round(v * 255) / 255);
  const img = decodePgm(encodePgm({ width: 3, height: 2, values }));
  assert.deepEqual([img.width, img.height], [3, 2]);
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(img.values[k] - values[k]) < 1e-12);
  const ascii = decodeImage(Buffer.from('P2\n# a comment\n2 1\n10\n0 10\n'));
  assert.deepEqual(Array.from(ascii.values), [0, 1]);
});

test('PNG decodes to grey levels', () => {
  const png = new PNG({ width: 2, height: 1 });
  png.data.set([255, 255, 255, 255, 0, 0, 0, 255]);
  const img = decodeImage(PNG.sync.write(png));
  assert.deepEqual(Array.from(img.values), [1, 0]);
});

test('malformed images and map files are refused naming the file and the key', () => {
  assert.throws(() => decodeImage(Buffer.from('GIF89a')), /unsupported image format/);
  assert.throws(() => decodePgm(Buffer.from('P5\n4 4\n255\n\x00\x01')), /truncated/);
  assert.throws(() => decodePgm(Buffer.from('P5\n-4 4\n255\n')), /invalid size/);
  const dir = mkdtempSync(join(tmpdir(), 'blob-map-'));
  writeFileSync(join(dir, 'ok.pgm'), encodePgm({ width: 2, height: 2, values: new Float64Array(4).fill(1) }));
  const cases: [string, RegExp][] = [
    ['image: ok.pgm\nresolution: -1\norigin: [0, 0, 0]\n', /'resolution' must be a positive number/],
    ['image: ok.pgm\nresolution: 0.1\norigin: [0]\n', /'origin' must be/],
    ['image: ok.pgm\nresolution: 0.1\norigin: [0, 0, 0.5]\n', /rotated map/],
    ['image: nope.pgm\nresolution: 0.1\norigin: [0, 0, 0]\n', /'image': cannot read/],
    ['image: ok.pgm\nresolution: 0.1\nnegate: 2\n', /'negate' must be 0 or 1/],
    ['image: ok.pgm\nresolution: 0.1\ncolour: red\n', /unknown key 'colour'/],
    ['[1, 2]\n', /must be a YAML mapping/],
  ];
  cases.forEach(([text, pattern], i) => {
    const f = join(dir, `m${i}.yaml`);
    writeFileSync(f, text);
    assert.throws(() => loadMapFile(f), (e: Error) => e.message.includes(`m${i}.yaml`) && pattern.test(e.message));
  });
});

test('negate inverts the intensities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-map-'));
  writeFileSync(join(dir, 'a.pgm'), encodePgm({ width: 2, height: 1, values: Float64Array.from([1, 0]) }));
  writeFileSync(join(dir, 'a.yaml'), 'image: a.pgm\nresolution: 0.5\norigin: [0, 0, 0]\nnegate: 1\n');
  const m = loadMapFile(join(dir, 'a.yaml'));
  assert.deepEqual(Array.from(m.raster.values), [0, 1]);
  assert.deepEqual(m.raster.origin, [0, 0]);
});
