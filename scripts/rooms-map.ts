/**
 * Writes scenarios/rooms/maps/rooms.pgm, the occupancy image of the rooms-map scenario: 4 m x 4 m at 5 cm, four rooms
 * (walls 10 cm, three 50 cm doors) and a table. White free, black occupied.   node --import tsx scripts/rooms-map.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 80;
const RES = 0.05;
/** Occupied rectangles [x0, x1] x [y0, y1] in metres (y up). */
const WALLS: readonly (readonly [number, number, number, number])[] = [
  [0.0, 0.7, 1.95, 2.05], // horizontal wall, left of the door between the two left rooms
  [1.2, 4.0, 1.95, 2.05], // horizontal wall, right of it
  [1.95, 2.05, 0.0, 0.5], // vertical wall, below the lower door
  [1.95, 2.05, 1.0, 3.0], // between the lower and the upper door
  [1.95, 2.05, 3.5, 4.0], // above the upper door
  [0.4, 1.0, 2.8, 3.4], // a table in the upper-left room
];

const pixels = new Uint8Array(SIZE * SIZE).fill(255);
for (let row = 0; row < SIZE; row++) {
  const y = (SIZE - 1 - row + 0.5) * RES;
  for (let c = 0; c < SIZE; c++) {
    const x = (c + 0.5) * RES;
    if (WALLS.some(([x0, x1, y0, y1]) => x > x0 && x < x1 && y > y0 && y < y1)) pixels[row * SIZE + c] = 0;
  }
}
const header = Buffer.from(`P5\n# blob-coverage rooms map: four rooms, three doors, a table\n${SIZE} ${SIZE}\n255\n`, 'ascii');
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios', 'rooms', 'maps', 'rooms.pgm');
writeFileSync(out, Buffer.concat([header, Buffer.from(pixels)]));
process.stderr.write(`wrote ${out}\n`);
