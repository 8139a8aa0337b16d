// The blob field's hot loops as a WebAssembly SIMD kernel (two doubles per instruction, no bounds checks: V8 guards
// 32-bit memories with unmapped pages). Same arithmetic per grid node as the JS loops in field.ts (a multiply, then
// an add; no fused multiply-add), so the deposit is bit-for-bit the JS one; sums are taken two lanes at a time, so
// the gather and the energy differ from JS in summation order only (round-off).
import { F64, I32, V128, compiledOnce, encodeModule, op } from './encoder.js';
import type { FunctionImport, FunctionSpec } from './encoder.js';

const { get, set, i32, i32Add, i32Shl, i32LtU, i32GeU, f64Add, f64Mul, f64Load, f64Store, v128Load, v128Store } = op;
const { v128Zero, f64x2Splat, f64x2ExtractLane, f64x2Add, f64x2Mul, block, loop, br, brIf } = op;

/** x = x + a * b on v128 locals. */
const fma2 = (x: number, a: number[], b: number[]): number[] => [...get(x), ...a, ...b, ...f64x2Mul, ...f64x2Add, ...set(x)];
/** Lane 0 + lane 1 of a v128 local. */
const hsum = (v: number): number[] => [...get(v), ...f64x2ExtractLane(0), ...get(v), ...f64x2ExtractLane(1), ...f64Add];
/** local += n (i32). */
const bump = (l: number, n: number[]): number[] => [...get(l), ...n, ...i32Add, ...set(l)];
/** First row's address: base + ((j0 nx + i0) << 3). */
const rowStart = (base: number, nx: number, i0: number, j0: number): number[] =>
  [...get(base), ...get(j0), ...get(nx), ...op.i32Mul, ...get(i0), ...i32Add, ...i32(3), ...i32Shl, ...i32Add];

/**
 * addStencil(f, nx, i0, cx, j0, cy, c, wx, wy): f[(j0 + b) nx + i0 + a] += (c wy[b]) wx[a] for a < cx, b < cy, two rows
 * and two columns at a time. f, wx, wy are byte offsets; cx, cy >= 1; wx[cx] must be 0 when cx is odd (the last
 * pair then adds 0 to the node after the row, which must exist).
 */
function addStencil(): FunctionSpec {
  const [f, nx, i0, cx, j0, cy, c, wx, wy] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [p, stride, end, a, r1, yp, yEnd, s0, s1, w] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const update = (row: number, s: number): number[] => [
    ...get(row), ...get(a), ...i32Add,
    ...get(row), ...get(a), ...i32Add, ...v128Load(),
    ...get(s), ...get(w), ...f64x2Mul, ...f64x2Add,
    ...v128Store(),
  ];
  const columns = (rows: number[][]): number[] => [
    ...i32(0), ...set(a),
    ...loop(
      [...get(wx), ...get(a), ...i32Add, ...v128Load(), ...set(w)],
      ...rows,
      bump(a, i32(16)),
      [...get(a), ...get(end), ...i32LtU, ...brIf(0)],
    ),
  ];
  const scaled = (offset: number): number[] => [...get(c), ...get(yp), ...f64Load(offset), ...f64Mul, ...f64x2Splat];
  return {
    name: 'addStencil',
    params: [I32, I32, I32, I32, I32, I32, F64, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128],
    body: [
      rowStart(f, nx, i0, j0), set(p),
      get(nx), i32(3), i32Shl, set(stride),
      get(cx), i32(3), i32Shl, set(end),
      get(wy), set(yp),
      get(wy), get(cy), i32(3), i32Shl, i32Add, set(yEnd),
      block(loop(
        [...get(yp), ...i32(8), ...i32Add, ...get(yEnd), ...i32GeU, ...brIf(1)],
        [...scaled(0), ...set(s0), ...scaled(8), ...set(s1)],
        [...get(p), ...get(stride), ...i32Add, ...set(r1)],
        columns([update(p, s0), update(r1, s1)]),
        [...get(r1), ...get(stride), ...i32Add, ...set(p)],
        bump(yp, i32(16)),
        br(0),
      )),
      block(
        [...get(yp), ...get(yEnd), ...i32GeU, ...brIf(0)],
        [...scaled(0), ...set(s0)],
        columns([update(p, s0)]),
      ),
    ],
  };
}

/**
 * stencilDot(u, nx, i0, cx, j0, cy, wx, gx, wy, gy, out): with S_b = sum_a u[(j0 + b) nx + i0 + a] wx[a] and G_b the
 * same with gx, writes out[0] = sum_b wy[b] G_b and out[1] = sum_b gy[b] S_b (two rows and two columns at a time,
 * four vector accumulators). Byte offsets; cx, cy >= 1; wx[cx] = gx[cx] = 0 when cx is odd.
 */
function stencilDot(): FunctionSpec {
  const [u, nx, i0, cx, j0, cy, wx, gx, wy, gy, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [p, stride, end, a, r1, yp, yEnd, gp] = [11, 12, 13, 14, 15, 16, 17, 18];
  const [vx, vy] = [19, 20];
  const [S0, G0, S1, G1, w, g, x] = [21, 22, 23, 24, 25, 26, 27];
  const taps = (row: number, S: number, G: number): number[] => [
    ...get(row), ...get(a), ...i32Add, ...v128Load(), ...set(x),
    ...fma2(S, get(x), get(w)),
    ...fma2(G, get(x), get(g)),
  ];
  const columns = (rows: number[][], acc: number[]): number[] => [
    ...acc.flatMap((v) => [...v128Zero, ...set(v)]),
    ...i32(0), ...set(a),
    ...loop(
      [...get(wx), ...get(a), ...i32Add, ...v128Load(), ...set(w)],
      [...get(gx), ...get(a), ...i32Add, ...v128Load(), ...set(g)],
      ...rows,
      bump(a, i32(16)),
      [...get(a), ...get(end), ...i32LtU, ...brIf(0)],
    ),
  ];
  // v += weight[offset] * hsum(acc)
  const accumulate = (v: number, ptr: number, offset: number, acc: number): number[] =>
    [...get(v), ...get(ptr), ...f64Load(offset), ...hsum(acc), ...f64Mul, ...f64Add, ...set(v)];
  return {
    name: 'stencilDot',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, V128, V128, V128, V128, V128, V128, V128],
    body: [
      rowStart(u, nx, i0, j0), set(p),
      get(nx), i32(3), i32Shl, set(stride),
      get(cx), i32(3), i32Shl, set(end),
      get(wy), set(yp),
      get(gy), set(gp),
      get(wy), get(cy), i32(3), i32Shl, i32Add, set(yEnd),
      block(loop(
        [...get(yp), ...i32(8), ...i32Add, ...get(yEnd), ...i32GeU, ...brIf(1)],
        [...get(p), ...get(stride), ...i32Add, ...set(r1)],
        columns([taps(p, S0, G0), taps(r1, S1, G1)], [S0, G0, S1, G1]),
        accumulate(vx, yp, 0, G0), accumulate(vx, yp, 8, G1),
        accumulate(vy, gp, 0, S0), accumulate(vy, gp, 8, S1),
        [...get(r1), ...get(stride), ...i32Add, ...set(p)],
        bump(yp, i32(16)),
        bump(gp, i32(16)),
        br(0),
      )),
      block(
        [...get(yp), ...get(yEnd), ...i32GeU, ...brIf(0)],
        columns([taps(p, S0, G0)], [S0, G0]),
        accumulate(vx, yp, 0, G0),
        accumulate(vy, gp, 0, S0),
      ),
      [...get(out), ...get(vx), ...f64Store(0)],
      [...get(out), ...get(vy), ...f64Store(8)],
    ],
  };
}

/**
 * weigh(f, inv, u, n, w) -> sum_k f_k (f_k inv_k), and u_k = w (f_k inv_k), for k < n: pairs of nodes, then the last
 * node alone when n is odd. Byte offsets.
 */
function weigh(): FunctionSpec {
  const [f, inv, u, n, w] = [0, 1, 2, 3, 4];
  const [a, end, last, t, r, E, W, x, tt] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  return {
    name: 'weigh',
    params: [I32, I32, I32, I32, F64],
    results: [F64],
    locals: [I32, I32, F64, F64, F64, V128, V128, V128, V128],
    body: [
      get(n), i32(1), op.i32ShrU, i32(4), i32Shl, set(end),
      get(w), f64x2Splat, set(W),
      v128Zero, set(E),
      i32(0), set(a),
      block(loop(
        [...get(a), ...get(end), ...i32GeU, ...brIf(1)],
        [...get(f), ...get(a), ...i32Add, ...v128Load(), ...set(x)],
        [...get(x), ...get(inv), ...get(a), ...i32Add, ...v128Load(), ...f64x2Mul, ...set(tt)],
        fma2(E, get(x), get(tt)),
        [...get(u), ...get(a), ...i32Add, ...get(W), ...get(tt), ...f64x2Mul, ...v128Store()],
        bump(a, i32(16)),
        br(0),
      )),
      op.f64Zero, set(last),
      get(n), i32(1), op.i32And,
      op.if(
        [...get(f), ...get(a), ...i32Add, ...f64Load(), ...set(t)],
        [...get(t), ...get(inv), ...get(a), ...i32Add, ...f64Load(), ...f64Mul, ...set(r)],
        [...get(u), ...get(a), ...i32Add, ...get(w), ...get(r), ...f64Mul, ...f64Store()],
        [...get(t), ...get(r), ...f64Mul, ...set(last)],
      ),
      hsum(E), get(last), f64Add,
    ],
  };
}

/** Function indices: the imported exp first, then the module's functions in the order of stencilModuleBytes. */
const EXP = 0;
const ADD_STENCIL = 1;
const STENCIL_DOT = 2;

/**
 * The robot loops of BlobField (uniform width and masses) whole: for each robot of xy (positions, interleaved), the
 * 1-D Gaussian weights and offsets on both axes (the recurrence of gaussianStencil in field.ts, the same operations in
 * the same order: two calls of the imported exp per 32 nodes), then addStencil (spread) or stencilDot and the
 * scaling by c (gather, into vel, interleaved, 0 for a robot with no node in reach). per[k] (f64, one per robot):
 * spread's factor m_k / (2 pi e^2) (c unused), or the gather's mask; 0 skips the robot. One call per CHUNK robots
 * instead of two JS stencils and a kernel call per robot.
 */
function robots(gather: boolean): FunctionSpec {
  const [grid, nx, xy, n, x0, y0, hx, hy, lastX, lastY, inv, reach, qx, qy, c, wx, dx, wy, dy, vel, per] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const [k, i0, cx, j0, cy, ci, wp, dp, xyp, vp, pp] = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
  const [p, k0f, cf, dc, wc, ratio, kf, cr] = [32, 33, 34, 35, 36, 37, 38, 39];
  const { f64Sub, f64Div, f64Max, f64Min, f64Ceil, f64Floor, f64Gt, i32Eqz, i32TruncF64, f64Const, call } = op;
  // One axis: first node k0 and count into the given locals (br `skip` when no node is in reach or p is NaN), the
  // weights w[c] and offsets d[c] (times w[c] for the gather's moments), then w[count] = d[count] = 0 (padding).
  const axis = (origin: number, h: number, last: number, q: number, w: number, d: number, first: number, count: number, skip: number): number[] => [
    ...get(p), ...get(reach), ...f64Sub, ...get(origin), ...f64Sub, ...get(h), ...f64Div, ...f64Ceil, ...f64Const(0), ...f64Max, ...set(k0f),
    ...get(p), ...get(reach), ...f64Add, ...get(origin), ...f64Sub, ...get(h), ...f64Div, ...f64Floor, ...get(last), ...f64Min,
    ...get(k0f), ...f64Sub, ...f64Const(1), ...f64Add, ...set(cf),
    ...get(cf), ...f64Const(0), ...f64Gt, ...i32Eqz, ...brIf(skip),
    ...get(k0f), ...i32TruncF64, ...set(first),
    ...get(cf), ...i32TruncF64, ...set(count),
    ...i32(0), ...set(ci), ...get(k0f), ...set(kf), ...get(w), ...set(wp), ...get(d), ...set(dp),
    ...loop(
      [...get(p), ...get(origin), ...get(kf), ...get(h), ...f64Mul, ...f64Add, ...f64Sub, ...set(dc)],
      [...get(ci), ...i32(31), ...op.i32And, ...i32Eqz],
      op.if(
        [...get(inv), ...get(dc), ...f64Mul, ...get(dc), ...f64Mul, ...call(EXP), ...set(wc)],
        [...get(inv), ...get(h), ...get(h), ...f64Mul, ...f64Const(2), ...get(h), ...f64Mul, ...get(dc), ...f64Mul, ...f64Sub, ...f64Mul, ...call(EXP), ...set(ratio)],
      ),
      gather ? [...get(dp), ...get(dc), ...get(wc), ...f64Mul, ...f64Store()] : [...get(dp), ...get(dc), ...f64Store()],
      [...get(wp), ...get(wc), ...f64Store()],
      [...get(wc), ...get(ratio), ...f64Mul, ...set(wc)],
      [...get(ratio), ...get(q), ...f64Mul, ...set(ratio)],
      [...get(kf), ...f64Const(1), ...f64Add, ...set(kf)],
      bump(ci, i32(1)), bump(wp, i32(8)), bump(dp, i32(8)),
      [...get(ci), ...get(count), ...i32LtU, ...brIf(0)],
    ),
    ...get(wp), ...op.f64Zero, ...f64Store(),
    ...get(dp), ...op.f64Zero, ...f64Store(),
  ];
  const scale = (offset: number): number[] => [...get(vp), ...get(c), ...get(vp), ...f64Load(offset), ...f64Mul, ...f64Store(offset)];
  return {
    name: gather ? 'gatherRobots' : 'spreadRobots',
    params: [I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64],
    body: [
      get(xy), set(xyp), get(vel), set(vp), get(per), set(pp), i32(0), set(k),
      block(loop(
        [...get(k), ...get(n), ...i32GeU, ...brIf(1)],
        block(
          // per[k] = 0: the robot is skipped (spread: zero mass; gather: not asked for, its velocity left as it is).
          [...get(pp), ...f64Load(0), ...set(cr), ...get(cr), ...op.f64Zero, ...op.f64Eq, ...brIf(0)],
          gather ? [...get(vp), ...op.f64Zero, ...f64Store(0), ...get(vp), ...op.f64Zero, ...f64Store(8)] : [],
          [...get(xyp), ...f64Load(0), ...set(p)],
          axis(x0, hx, lastX, qx, wx, dx, i0, cx, 0),
          [...get(xyp), ...f64Load(8), ...set(p)],
          axis(y0, hy, lastY, qy, wy, dy, j0, cy, 0),
          gather
            ? [...[grid, nx, i0, cx, j0, cy, wx, dx, wy, dy, vp].flatMap(get), ...call(STENCIL_DOT), ...scale(0), ...scale(8)]
            : [...[grid, nx, i0, cx, j0, cy, cr, wx, wy].flatMap(get), ...call(ADD_STENCIL)],
        ),
        bump(xyp, i32(16)), bump(vp, i32(16)), bump(pp, i32(8)), bump(k, i32(1)),
        br(0),
      )),
    ],
  };
}

/**
 * The robot loops of NeumannBlobField (uniform width and masses) whole: for each robot of xy, the folded 1-D weights
 * (and, for the gather, their derivatives) on cell-centred nodes, the same operations in the same order as stencil()
 * and gaussianRun() in bandwidth.ts: the direct run, then the mirror image across each wall within reach added on;
 * then addStencil (spread, factor per[k]) or stencilDot and the scaling by c (gather, into vel; 0 for a robot with
 * no node in reach). per[k] = 0 skips the robot (spread: zero mass; gather: not asked for, velocity left as it is).
 * Robots in the caller's order (the deposit's sums then come in the JS order: f bit for bit).
 */
function neumannRobots(gather: boolean): FunctionSpec {
  const [grid, nx, xy, n, loX, hiX, loY, hiY, hx, hy, lastX, lastY, inv, reach, qx, qy, ie2, ie2n, c, wx, gx, wy, gy, vel, per] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  const [k, i0, cx, j0, cy, ci, wp, gp, xyp, vp, pp] = [25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
  const [p, a0f, cf, dc, wc, ratio, kf, cr, d0, y0] = [36, 37, 38, 39, 40, 41, 42, 43, 44, 45];
  const { f64Sub, f64Div, f64Max, f64Min, f64Ceil, f64Floor, f64Gt, i32Eqz, i32TruncF64, f64Const, call } = op;
  // gaussianRun(d0, h, count, e, w, g, image): d_c = d0 + c h, weights written (or added, image) from c = 0.
  const run = (h: number, q: number, w: number, g: number, count: number, sign: number, image: boolean): number[] => [
    ...i32(0), ...set(ci), ...op.f64Zero, ...set(kf), ...get(w), ...set(wp), ...get(g), ...set(gp),
    ...loop(
      [...get(d0), ...get(kf), ...get(h), ...f64Mul, ...f64Add, ...set(dc)],
      [...get(ci), ...i32(31), ...op.i32And, ...i32Eqz],
      op.if(
        [...get(inv), ...get(dc), ...f64Mul, ...get(dc), ...f64Mul, ...call(EXP), ...set(wc)],
        [...get(inv), ...get(h), ...get(h), ...f64Mul, ...f64Const(2), ...get(h), ...f64Mul, ...get(dc), ...f64Mul, ...f64Add, ...f64Mul, ...call(EXP), ...set(ratio)],
      ),
      image
        ? [...get(wp), ...get(wp), ...f64Load(), ...get(wc), ...f64Add, ...f64Store()]
        : [...get(wp), ...get(wc), ...f64Store()],
      gather
        ? image
          ? [...get(gp), ...get(gp), ...f64Load(), ...get(dc), ...get(sign), ...f64Mul, ...get(wc), ...f64Mul, ...f64Add, ...f64Store()]
          : [...get(gp), ...get(dc), ...get(sign), ...f64Mul, ...get(wc), ...f64Mul, ...f64Store()]
        : [],
      [...get(wc), ...get(ratio), ...f64Mul, ...set(wc)],
      [...get(ratio), ...get(q), ...f64Mul, ...set(ratio)],
      [...get(kf), ...f64Const(1), ...f64Add, ...set(kf)],
      bump(ci, i32(1)), bump(wp, i32(8)), bump(gp, i32(8)),
      [...get(ci), ...get(count), ...i32LtU, ...brIf(0)],
    ),
  ];
  // stencil(x, lo, hi, h, nodes, w, g): first node and count (br `skip` when none or p is NaN), the direct run, the
  // images across the walls within reach, then w[count] = g[count] = 0 (padding).
  const axis = (lo: number, hi: number, h: number, last: number, q: number, w: number, g: number, first: number, count: number, skip: number): number[] => [
    ...get(p), ...get(reach), ...f64Sub, ...get(lo), ...f64Sub, ...get(h), ...f64Div, ...f64Const(0.5), ...f64Sub, ...f64Ceil, ...f64Const(0), ...f64Max, ...set(a0f),
    ...get(p), ...get(reach), ...f64Add, ...get(lo), ...f64Sub, ...get(h), ...f64Div, ...f64Const(0.5), ...f64Sub, ...f64Floor, ...get(last), ...f64Min,
    ...get(a0f), ...f64Sub, ...f64Const(1), ...f64Add, ...set(cf),
    ...get(cf), ...f64Const(0), ...f64Gt, ...i32Eqz, ...brIf(skip),
    ...get(a0f), ...i32TruncF64, ...set(first),
    ...get(cf), ...i32TruncF64, ...set(count),
    ...get(lo), ...get(a0f), ...f64Const(0.5), ...f64Add, ...get(h), ...f64Mul, ...f64Add, ...set(y0),
    ...get(y0), ...get(p), ...f64Sub, ...set(d0),
    ...run(h, q, w, g, count, ie2, false),
    // x - lo < reach
    ...get(reach), ...get(p), ...get(lo), ...f64Sub, ...f64Gt,
    ...op.if([...get(y0), ...f64Const(2), ...get(lo), ...f64Mul, ...get(p), ...f64Sub, ...f64Sub, ...set(d0)], run(h, q, w, g, count, ie2n, true)),
    // hi - x < reach
    ...get(reach), ...get(hi), ...get(p), ...f64Sub, ...f64Gt,
    ...op.if([...get(y0), ...f64Const(2), ...get(hi), ...f64Mul, ...get(p), ...f64Sub, ...f64Sub, ...set(d0)], run(h, q, w, g, count, ie2n, true)),
    ...get(wp), ...op.f64Zero, ...f64Store(),
    ...get(gp), ...op.f64Zero, ...f64Store(),
  ];
  const scale = (offset: number): number[] => [...get(vp), ...get(c), ...get(vp), ...f64Load(offset), ...f64Mul, ...f64Store(offset)];
  return {
    name: gather ? 'neumannGather' : 'neumannSpread',
    params: [I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: [
      get(xy), set(xyp), get(vel), set(vp), get(per), set(pp), i32(0), set(k),
      block(loop(
        [...get(k), ...get(n), ...i32GeU, ...brIf(1)],
        block(
          [...get(pp), ...f64Load(0), ...set(cr), ...get(cr), ...op.f64Zero, ...op.f64Eq, ...brIf(0)],
          gather ? [...get(vp), ...op.f64Zero, ...f64Store(0), ...get(vp), ...op.f64Zero, ...f64Store(8)] : [],
          [...get(xyp), ...f64Load(0), ...set(p)],
          axis(loX, hiX, hx, lastX, qx, wx, gx, i0, cx, 0),
          [...get(xyp), ...f64Load(8), ...set(p)],
          axis(loY, hiY, hy, lastY, qy, wy, gy, j0, cy, 0),
          gather
            ? [...[grid, nx, i0, cx, j0, cy, wx, gx, wy, gy, vp].flatMap(get), ...call(STENCIL_DOT), ...scale(0), ...scale(8)]
            : [...[grid, nx, i0, cx, j0, cy, cr, wx, wy].flatMap(get), ...call(ADD_STENCIL)],
        ),
        bump(xyp, i32(16)), bump(vp, i32(16)), bump(pp, i32(8)), bump(k, i32(1)),
        br(0),
      )),
    ],
  };
}

/** The kernel's exports (byte offsets into its memory; see the functions above). */
export interface StencilExports {
  addStencil(f: number, nx: number, i0: number, cx: number, j0: number, cy: number, c: number, wx: number, wy: number): void;
  stencilDot(u: number, nx: number, i0: number, cx: number, j0: number, cy: number, wx: number, gx: number, wy: number, gy: number, out: number): void;
  weigh(f: number, inv: number, u: number, n: number, w: number): number;
  /** See robots(): per = m / (2 pi e^2) by robot, inv = -1 / (2 e^2), reach = cutoff e, q = recurrence ratios, last = nodes - 1. */
  spreadRobots(f: number, nx: number, xy: number, n: number, x0: number, y0: number, hx: number, hy: number, lastX: number, lastY: number,
    inv: number, reach: number, qx: number, qy: number, c: number, wx: number, dx: number, wy: number, dy: number, vel: number, per: number): void;
  /** See robots(): c = D / e^2 / (2 pi e^2), per = 1 for the robots wanted; writes their velocities to vel. */
  gatherRobots(u: number, nx: number, xy: number, n: number, x0: number, y0: number, hx: number, hy: number, lastX: number, lastY: number,
    inv: number, reach: number, qx: number, qy: number, c: number, wx: number, dx: number, wy: number, dy: number, vel: number, per: number): void;
  /** See neumannRobots(): per = m / (2 pi e^2) by robot, ie2 = 1 / e^2, ie2n = -1 / e^2 (c, g unused). */
  neumannSpread(f: number, nx: number, xy: number, n: number, loX: number, hiX: number, loY: number, hiY: number, hx: number, hy: number,
    lastX: number, lastY: number, inv: number, reach: number, qx: number, qy: number, ie2: number, ie2n: number, c: number,
    wx: number, gx: number, wy: number, gy: number, vel: number, per: number): void;
  /** See neumannRobots(): c = -D / (2 pi e^2), per = 1 for the robots wanted; writes their velocities to vel. */
  neumannGather(u: number, nx: number, xy: number, n: number, loX: number, hiX: number, loY: number, hiY: number, hx: number, hy: number,
    lastX: number, lastY: number, inv: number, reach: number, qx: number, qy: number, ie2: number, ie2n: number, c: number,
    wx: number, gx: number, wy: number, gy: number, vel: number, per: number): void;
}

const IMPORTS: FunctionImport[] = [{ name: 'exp', params: [F64], results: [F64] }];

/** The module's bytes (a few hundred), built from the instruction lists above. */
export function stencilModuleBytes(): Uint8Array<ArrayBuffer> {
  return encodeModule([addStencil(), stencilDot(), weigh(), robots(false), robots(true), neumannRobots(false), neumannRobots(true)], 1, IMPORTS);
}

/** The compiled kernel, or null where WebAssembly SIMD is not available (then callers use their JS loops). */
const kernelModule = compiledOnce(stencilModuleBytes);

/** A kernel instance with its own memory holding the caller's arrays. */
export interface WasmStencil {
  readonly kernel: StencilExports;
  /** Views of the requested lengths, zero-filled, each followed by two zero doubles of padding. */
  readonly arrays: Float64Array[];
  /** Byte offset of each array in the kernel's memory (16-byte aligned). */
  readonly offsets: number[];
}

/**
 * A kernel whose memory holds arrays of the given lengths, allocated once: the memory never grows, so the views stay
 * valid (growing a memory would detach them). Null when WebAssembly SIMD is unavailable or the arrays do not fit in a
 * 32-bit memory (4 GiB).
 */
export function wasmStencil(lengths: readonly number[]): WasmStencil | null {
  const module = kernelModule();
  if (!module) return null;
  const offsets: number[] = [];
  let bytes = 0;
  for (const n of lengths) {
    offsets.push(bytes);
    bytes += Math.ceil((n + 2) / 2) * 16;
  }
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > 65536) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // address space or memory exhausted: the JS loops still work
  }
  const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp } });
  const kernel = instance.exports as unknown as StencilExports;
  const arrays = lengths.map((n, k) => new Float64Array(memory.buffer, offsets[k], n));
  return { kernel, arrays, offsets };
}
