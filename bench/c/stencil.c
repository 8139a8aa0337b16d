/*
 * The blob field of src/engine/field.ts (BlobField.evaluate, uniform width and masses) written in C, for a side-by-side
 * benchmark of the same algorithm: deposit of the truncated separable Gaussian onto the grid, u = w f / rho_bar, the
 * energy, and the gather of the velocities. The 1-D weights use the same Gaussian recurrence (two exponentials per 32
 * nodes), the loops run in the same order, so the velocities agree with ours to rounding.
 *
 * Usage: stencil IN OUT REPS
 *   IN  (little-endian float64): nx ny hx hy x0 y0 cellArea eps cutoff D n, then 1/rho_bar (nx*ny, row-major j*nx+i),
 *       then positions (2n, interleaved x y)
 *   OUT (float64): velocities (2n), energy, then the CPU time of each of the REPS evaluations in ms
 * CPU time is CLOCK_PROCESS_CPUTIME_ID. Build: gcc -O3 -o stencil stencil.c -lm (npm run bench:c does it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  long nx, ny;
  double hx, hy, x0, y0, area, eps, cutoff, D;
  double *inv, *f, *u;
  double *wx, *wy, *dx, *dy;
} Field;

/* Same as gaussianStencil in field.ts: fills w, d; returns the count and the first node in *k0out (count 0: none). */
static long stencil(double p, double origin, double h, long nodes, double e, double reach, double *w, double *d, long *k0out) {
  long k0 = (long)ceil((p - reach - origin) / h);
  long k1 = (long)floor((p + reach - origin) / h);
  if (k0 < 0) k0 = 0;
  if (k1 > nodes - 1) k1 = nodes - 1;
  long count = k1 - k0 + 1;
  *k0out = k0;
  if (count <= 0) return 0;
  double inv = -0.5 / (e * e);
  double q = exp(2 * inv * h * h);
  double wc = 0, ratio = 0;
  for (long c = 0; c < count; c++) {
    double dc = p - (origin + (double)(k0 + c) * h);
    if ((c & 31) == 0) {
      wc = exp(inv * dc * dc);
      ratio = exp(inv * (h * h - 2 * h * dc));
    }
    d[c] = dc;
    w[c] = wc;
    wc *= ratio;
    ratio *= q;
  }
  return count;
}

static double evaluate(Field *F, const double *pos, long n, double *vel) {
  const long nx = F->nx, M = F->nx * F->ny;
  const double e = F->eps, reach = F->cutoff * F->eps;
  double *restrict f = F->f, *restrict u = F->u;
  const double *restrict inv = F->inv;
  double *restrict wx = F->wx, *restrict wy = F->wy, *restrict dx = F->dx, *restrict dy = F->dy;
  memset(f, 0, sizeof(double) * M);
  const double m = n > 0 ? 1.0 / n : 0;
  const double c = m / (2 * M_PI * e * e);
  for (long p = 0; p < n; p++) {
    long i0, j0;
    long cx = stencil(pos[2 * p], F->x0, F->hx, F->nx, e, reach, wx, dx, &i0);
    long cy = stencil(pos[2 * p + 1], F->y0, F->hy, F->ny, e, reach, wy, dy, &j0);
    if (cx == 0 || cy == 0) continue;
    for (long b = 0; b < cy; b++) {
      const double s = c * wy[b];
      double *restrict row = f + (j0 + b) * nx + i0;
      for (long a = 0; a < cx; a++) row[a] += s * wx[a];
    }
  }
  const double w = F->area;
  double energy = 0;
  for (long k = 0; k < M; k++) {
    const double fk = f[k];
    const double t = fk * inv[k];
    energy += fk * t;
    u[k] = w * t;
  }
  energy *= 0.5 * w;
  const double cv = F->D / (e * e) / (2 * M_PI * e * e);
  for (long p = 0; p < n; p++) {
    long i0, j0;
    long cx = stencil(pos[2 * p], F->x0, F->hx, F->nx, e, reach, wx, dx, &i0);
    long cy = stencil(pos[2 * p + 1], F->y0, F->hy, F->ny, e, reach, wy, dy, &j0);
    if (cx == 0 || cy == 0) {
      vel[2 * p] = vel[2 * p + 1] = 0;
      continue;
    }
    double vx = 0, vy = 0;
    for (long b = 0; b < cy; b++) {
      const double *restrict row = u + (j0 + b) * nx + i0;
      double s0 = 0, s1 = 0;
      for (long a = 0; a < cx; a++) {
        const double t = row[a] * wx[a];
        s0 += t;
        s1 += t * dx[a];
      }
      vx += wy[b] * s1;
      vy += wy[b] * dy[b] * s0;
    }
    vel[2 * p] = cv * vx;
    vel[2 * p + 1] = cv * vy;
  }
  return energy;
}

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static void *read_or_die(FILE *in, size_t count, const char *what) {
  double *buf = malloc(sizeof(double) * (count ? count : 1));
  if (!buf || fread(buf, sizeof(double), count, in) != count) {
    fprintf(stderr, "stencil: input too short or out of memory reading %s\n", what);
    exit(2);
  }
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: stencil IN OUT REPS\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) {
    fprintf(stderr, "stencil: cannot open the input file\n");
    return 2;
  }
  double *h = read_or_die(in, 11, "the header");
  Field F = {(long)h[0], (long)h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], 0, 0, 0, 0, 0, 0, 0};
  long n = (long)h[10];
  long reps = atol(argv[3]);
  if (F.nx <= 0 || F.ny <= 0 || n < 0 || reps < 1 || !(F.eps > 0)) {
    fprintf(stderr, "stencil: bad header or REPS\n");
    return 2;
  }
  long M = F.nx * F.ny;
  F.inv = read_or_die(in, M, "1/rho_bar");
  double *pos = read_or_die(in, 2 * n, "the positions");
  fclose(in);
  F.f = malloc(sizeof(double) * M);
  F.u = malloc(sizeof(double) * M);
  long ms = (long)ceil(2 * F.cutoff * F.eps / (F.hx < F.hy ? F.hx : F.hy)) + 2;
  F.wx = malloc(sizeof(double) * ms);
  F.wy = malloc(sizeof(double) * ms);
  F.dx = malloc(sizeof(double) * ms);
  F.dy = malloc(sizeof(double) * ms);
  double *vel = malloc(sizeof(double) * (2 * n + 1));
  double *times = malloc(sizeof(double) * reps);
  double energy = evaluate(&F, pos, n, vel); /* warm-up: page in f and u */
  for (long r = 0; r < reps; r++) {
    double t0 = cpu_ms();
    energy = evaluate(&F, pos, n, vel);
    times[r] = cpu_ms() - t0;
  }
  FILE *out = fopen(argv[2], "wb");
  if (!out) {
    fprintf(stderr, "stencil: cannot open the output file\n");
    return 2;
  }
  fwrite(vel, sizeof(double), 2 * n, out);
  fwrite(&energy, sizeof(double), 1, out);
  fwrite(times, sizeof(double), reps, out);
  fclose(out);
  return 0;
}
