import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeImage, decodePgm, encodePgm } from '../../src/io/image.js';
import { loadMapFile, MapFileError } from '../../src/io/map.js';
import { craftPng } from '../helpers.js';

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
    ['image: ok.pgm\nresolution: 0.1\nnegat: 1\n', /unknown key 'negat' \(did you mean 'negate'\?/],
    ['image: ok.pgm\nresolution: 0.1\ncolour: red\n', /is not a map: it has a key that is not one of image, /],
    ['[1, 2]\n', /is not a map: a map is a YAML mapping with image, resolution and origin, this is a list of 2/],
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

test('a header claiming a huge image is refused at once, before any pixel is allocated', () => {
  const started = performance.now();
  for (const [w, h] of [[100000, 100000], [30000, 30000]]) {
    assert.throws(() => decodeImage(Buffer.from(`P5\n${w} ${h}\n255\n\x00\x01`, 'latin1')), /PGM is too large/);
    assert.throws(() => decodeImage(Buffer.from(`P2\n${w} ${h}\n255\n0 1`, 'latin1')), /PGM is too large/);
    assert.throws(() => decodeImage(craftPng(w, h, new Uint8Array(10))), /PNG is too large/);
  }
  assert.ok(performance.now() - started < 500, 'refused fast');
  assert.throws(() => decodePgm(Buffer.from('P5\n5000 5000\n255\n\x00\x01', 'latin1')), /truncated: 2 bytes for 25000000 pixels/);
});

test('PNG and PGM data that disagree with their header are refused', () => {
  assert.throws(() => decodeImage(craftPng(0, 4, new Uint8Array(4))), /invalid size 0 x 4/);
  assert.throws(() => decodeImage(craftPng(200, 200, new Uint8Array(50))), /PNG pixel data is truncated/);
  assert.throws(() => decodePgm(Buffer.from('P5\n2 1\n100\n\x32\xc8', 'latin1')), /pixel 1 is invalid: 200 \(maxval 100\)/);
  // Rows: a filter byte, then the pixels; extra data after the image is tolerated, as decoders do.
  assert.deepEqual(Array.from(decodeImage(craftPng(2, 2, Uint8Array.from([0, 0, 255, 0, 255, 0, 7]))).values), [0, 1, 1, 0]);
  // Adam7: a 3 x 3 image is stored as passes 1, 4, 5, 6 and 7; pixel (x, y) holds 10 y + x here.
  const passes = [[0], [2], [20, 22], [1], [21], [10, 11, 12]];
  const img = decodeImage(craftPng(3, 3, Uint8Array.from(passes.flatMap((row) => [0, ...row])), { interlace: 1 }));
  assert.deepEqual(Array.from(img.values, (v) => Math.round(v * 255)), [0, 1, 2, 10, 11, 12, 20, 21, 22]);
});

test('devices, folders and unknown modes are refused naming the file and the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-map-'));
  writeFileSync(join(dir, 'ok.pgm'), encodePgm({ width: 2, height: 2, values: new Float64Array(4).fill(1) }));
  const cases: [string, RegExp][] = [
    ['image: /dev/zero\nresolution: 0.1\n', /'image': cannot read \/dev\/zero \(is not a regular file\)/],
    [`image: ${dir}\nresolution: 0.1\n`, /'image': cannot read .* \(is not a regular file\)/],
    ['image: ok.pgm\nresolution: 0.1\nmode: occupancy\n', /'mode' must be one of trinary, scale, raw/],
  ];
  cases.forEach(([text, pattern], i) => {
    const f = join(dir, `d${i}.yaml`);
    writeFileSync(f, text);
    assert.throws(() => loadMapFile(f), (e: Error) => e instanceof MapFileError && e.message.startsWith(f) && pattern.test(e.message));
  });
  assert.throws(() => loadMapFile('/dev/zero'), /\/dev\/zero: file is not a regular file/);
  assert.throws(() => loadMapFile(dir), /file is not a regular file/);
});
