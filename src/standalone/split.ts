/**
 * The robots split among K controller instances by region: recursive bisection of the start positions (a k-d tree)
 * along the longer side of each part's bounding box, parts sized in proportion to the instances they go to. Each
 * instance then commands a compact patch of the swarm, so the robots within reach of its own (what its fields deposit
 * and its safety filter sees) are few. Returns the robot indices of each part, ascending.
 */
export function regionSplit(positions: Float64Array, parts: number): number[][] {
  const n = positions.length >> 1;
  if (!(Number.isInteger(parts) && parts >= 1 && parts <= Math.max(1, n))) throw new Error(`parts must be an integer from 1 to the number of robots (${n}), got ${parts}`);
  const out: number[][] = [];
  const split = (robots: number[], k: number): void => {
    if (k === 1) {
      out.push(robots.sort((a, b) => a - b));
      return;
    }
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const i of robots) {
      x0 = Math.min(x0, positions[2 * i]);
      x1 = Math.max(x1, positions[2 * i]);
      y0 = Math.min(y0, positions[2 * i + 1]);
      y1 = Math.max(y1, positions[2 * i + 1]);
    }
    const axis = x1 - x0 >= y1 - y0 ? 0 : 1;
    // Ties broken by index, so the split is deterministic.
    robots.sort((a, b) => positions[2 * a + axis] - positions[2 * b + axis] || a - b);
    const left = Math.floor(k / 2);
    const cut = Math.round((robots.length * left) / k);
    split(robots.slice(0, cut), left);
    split(robots.slice(cut), k - left);
  };
  split(Array.from({ length: n }, (_, i) => i), parts);
  return out;
}
