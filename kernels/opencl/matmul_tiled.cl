/*
 * Matmul: y = act(alpha * op(a) . op(b) + bias + beta * c), as
 * kernels/ref/matmul.c (the semantics to match).
 *
 * a, b, c and y share y's rank; batch dims (all but the last two) are
 * broadcast by zero strides, so one batch index of y is decomposed over y's
 * shape and applied with each operand's own strides. Every operand is read
 * through its strides, so trans_a/trans_b are only a swap of two strides.
 *
 * Three kernels, same arguments (the launcher picks):
 *  - ph_matmul_tiled: float dtypes (f32/f16/bf16 computed in f32). A work-
 *    group computes a TILE_M x TILE_N block of y, each work-item WPT_M x
 *    WPT_N outputs from TILE_K-deep slices of a and b staged in local memory.
 *    An f32 operand whose k (or m/n) stride is 1 is loaded with vloadVW on
 *    full tiles (the dense row-major fast path); anything else (strided,
 *    f16/bf16, edge tiles) loads scalars with bounds checks and zero fill,
 *    so nothing outside the views is ever read.
 *  - ph_matmul_general: one work-item per output, any dtype incl. int8, for
 *    small or odd shapes.
 *  - ph_matmul_tiled_i8: int8 a and b, int local tiles, exact integer
 *    accumulation.
 *
 * int8: products of two i8 are at most 2^14 in magnitude, so an int
 * accumulator is exact for 2^16 terms (2^17 could reach 2^31); the kernels add
 * chunks of at most MM_I8_CHUNK terms in int and the chunks into a long, so
 * the sum is exact for every K (the reference accumulates in int64).
 *
 * Tunables (see matmul_tiled.tunables): TILE_M, TILE_N, TILE_K, WPT_M,
 * WPT_N, VW. The launcher runs the program built with the defaults below
 * and mirrors them in plugins/opencl/ops_matmul.c.
 */
#ifndef TILE_M
#define TILE_M 64
#endif
#ifndef TILE_N
#define TILE_N 64
#endif
#ifndef TILE_K
#define TILE_K 16
#endif
#ifndef WPT_M
#define WPT_M 4
#endif
#ifndef WPT_N
#define WPT_N 4
#endif
#ifndef VW
#define VW 4
#endif

/* PH_NATIVE_HALF=1 (tunable, off by default): f16 products in native half
 * arithmetic, accumulated in f32, where cl_khr_fp16 exists. Rounding each
 * product to half (2^-11) exceeds the conformance bound for f16 dot
 * products, so this variant is only ever a candidate the tuner must verify
 * on a device, never the default. */
#if defined(PH_NATIVE_HALF) && PH_NATIVE_HALF && defined(cl_khr_fp16)
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define MM_HALF_PRODUCTS 1
#else
#define MM_HALF_PRODUCTS 0
#endif

#define MM_RTS_M (TILE_M / WPT_M) /* work-items along m */
#define MM_RTS_N (TILE_N / WPT_N) /* work-items along n */
#define MM_THREADS (MM_RTS_M * MM_RTS_N)
#define MM_PAD 1                  /* breaks local-memory bank conflicts */
#define MM_I8_CHUNK 65536

#define MM_CAT_(a, b) a##b
#define MM_CAT(a, b) MM_CAT_(a, b)
#define MM_FLOATV MM_CAT(float, VW)
#define MM_VLOAD MM_CAT(vload, VW)

typedef union mm_vec {
  MM_FLOATV v;
  float s[VW];
} mm_vec;

/* Matmul epilogue activation, as kernels/ref/matmul.c; gelu through erfc
 * (the same value as 1 + erf, without the cancellation for large -x). */
float mm_act(int act, float x) {
  switch (act) {
    case 1: return x < 0.0f ? 0.0f : x; /* NaN stays NaN */
    case 2: return 0.5f * x * erfc(-x * 0.70710678118654752f);
    case 3: return x / (1.0f + exp(-x));
    default: return x;
  }
}

/* Element offset in |t| of batch index |bi|, counted row-major over the
 * batch dims of |y|. */
long mm_batch_off(const ph_view *y, const ph_view *t, long bi) {
  long off = 0;
  for (int d = y->rank - 3; d >= 0; --d) {
    off += (bi % y->shape[d]) * t->strides[d];
    bi /= y->shape[d];
  }
  return off;
}

/* Exact int8 dot product of |k_count| terms. */
long mm_dot_i8(const __global char *a, long ao, long sak, const __global char *b, long bo,
               long sbk, long k_count) {
  long acc = 0;
  for (long k0 = 0; k0 < k_count; k0 += MM_I8_CHUNK) {
    const long k1 = min(k_count, k0 + (long)MM_I8_CHUNK);
    int part = 0;
    for (long k = k0; k < k1; ++k) part += (int)a[ao + k * sak] * (int)b[bo + k * sbk];
    acc += part;
  }
  return acc;
}

/* Writes y[bi, m, n] = act(v + bias[n] + beta * c[bi, m, n]) where |v| is
 * the scaled product. */
void mm_store(float v, long bi, long m, long n, const __global void *bias, const ph_view *biasv,
              const __global void *c, const ph_view *cv, __global void *y, const ph_view *yv,
              float beta, int act, int has_bias, int has_c) {
  const int r = yv->rank;
  if (has_bias) v += ph_loadf(bias, biasv->dtype, biasv->offset + n * biasv->strides[0]);
  if (has_c)
    v += beta * ph_loadf(c, cv->dtype,
                         cv->offset + mm_batch_off(yv, cv, bi) + m * cv->strides[r - 2] +
                             n * cv->strides[r - 1]);
  ph_storef(y, yv->dtype,
            yv->offset + mm_batch_off(yv, yv, bi) + m * yv->strides[r - 2] + n * yv->strides[r - 1],
            mm_act(act, v));
}

/* Sizes and walks of op(a) . op(b) for batch |bi|: transposes are only a
 * swap of two strides; ao/bo are the batch's first elements. */
typedef struct mm_geom {
  long M, N, K;
  long sam, sak; /* a: element step along m, along k */
  long sbk, sbn; /* b: along k, along n */
  long ao, bo;
} mm_geom;

mm_geom mm_geometry(const ph_view *av, const ph_view *bv, const ph_view *yv, int trans_a,
                    int trans_b, long bi) {
  const int r = yv->rank;
  mm_geom g;
  g.M = yv->shape[r - 2];
  g.N = yv->shape[r - 1];
  g.K = trans_a ? av->shape[r - 2] : av->shape[r - 1];
  g.sam = trans_a ? av->strides[r - 1] : av->strides[r - 2];
  g.sak = trans_a ? av->strides[r - 2] : av->strides[r - 1];
  g.sbk = trans_b ? bv->strides[r - 1] : bv->strides[r - 2];
  g.sbn = trans_b ? bv->strides[r - 2] : bv->strides[r - 1];
  g.ao = av->offset + mm_batch_off(yv, av, bi);
  g.bo = bv->offset + mm_batch_off(yv, bv, bi);
  return g;
}

/* Element |e| of a TR x TILE_K tile, walked with the operand's unit-stride
 * dim fastest so neighbouring work-items read neighbouring memory. */
void mm_tile_index(int e, long sk, int TR, int *row, int *kk) {
  if (sk == 1) {
    *row = e / TILE_K;
    *kk = e % TILE_K;
  } else {
    *kk = e / TR;
    *row = e % TR;
  }
}

/* One output per work-item: global (N, M, batch). */
__kernel void ph_matmul_general(const __global void *a, ph_view av, const __global void *b,
                                ph_view bv, const __global void *bias, ph_view biasv,
                                const __global void *c, ph_view cv, __global void *y, ph_view yv,
                                int trans_a, int trans_b, float scale, float beta, int act,
                                int has_bias, int has_c) {
  const long n = get_global_id(0), m = get_global_id(1), bi = get_global_id(2);
  const mm_geom g = mm_geometry(&av, &bv, &yv, trans_a, trans_b, bi);
  if (n >= g.N || m >= g.M) return;
  const long k_count = g.K, sak = g.sak, sbk = g.sbk;
  const long ao = g.ao + m * g.sam, bo = g.bo + n * g.sbn;
  float v;
  if (av.dtype == PH_DTYPE_I8 && bv.dtype == PH_DTYPE_I8) {
    v = scale * (float)mm_dot_i8((const __global char *)a, ao, sak, (const __global char *)b, bo,
                                 sbk, k_count);
  } else {
    float acc = 0.0f;
    for (long k = 0; k < k_count; ++k)
      acc += ph_loadf(a, av.dtype, ao + k * sak) * ph_loadf(b, bv.dtype, bo + k * sbk);
    v = scale * acc;
  }
  mm_store(v, bi, m, n, bias, &biasv, c, &cv, y, &yv, beta, act, has_bias, has_c);
}

/* Stages rows [r0, r0+TR) x k [k0, k0+TILE_K) of an operand (element
 * strides |sr| along rows, |sk| along k, from element |off|) into
 * L[k * ld + row] as f32, zero outside [0, R) x [0, K). */
void mm_load_tile(__local float *L, int ld, const __global void *base, int dtype, long off,
                  long sr, long sk, long r0, long R, long k0, long K, int TR, int tid) {
  const int full = r0 + TR <= R && k0 + TILE_K <= K;
  const __global float *p = (const __global float *)base + off;
#if TILE_K % VW == 0
  if (dtype == PH_DTYPE_F32 && full && sk == 1) {
    for (int e = tid; e < TR * (TILE_K / VW); e += MM_THREADS) {
      const int row = e / (TILE_K / VW), kk = (e % (TILE_K / VW)) * VW;
      mm_vec x;
      x.v = MM_VLOAD(0, p + (r0 + row) * sr + k0 + kk);
      for (int i = 0; i < VW; ++i) L[(kk + i) * ld + row] = x.s[i];
    }
  } else
#endif
  if (dtype == PH_DTYPE_F32 && full && sr == 1 && TR % VW == 0) {
    for (int e = tid; e < TR / VW * TILE_K; e += MM_THREADS) {
      const int kk = e / (TR / VW), row = (e % (TR / VW)) * VW;
      mm_vec x;
      x.v = MM_VLOAD(0, p + (k0 + kk) * sk + r0 + row);
      for (int i = 0; i < VW; ++i) L[kk * ld + row + i] = x.s[i];
    }
  } else {
    for (int e = tid; e < TR * TILE_K; e += MM_THREADS) {
      int row, kk;
      mm_tile_index(e, sk, TR, &row, &kk);
      const long gr = r0 + row, gk = k0 + kk;
      L[kk * ld + row] = gr < R && gk < K ? ph_loadf(base, dtype, off + gr * sr + gk * sk) : 0.0f;
    }
  }
}

/* Work-group (TILE_N/WPT_N, TILE_M/WPT_M) per TILE_M x TILE_N block of y;
 * global (ceil(N/TILE_N) * MM_RTS_N, ceil(M/TILE_M) * MM_RTS_M, batch). */
__kernel __attribute__((reqd_work_group_size(MM_RTS_N, MM_RTS_M, 1))) void ph_matmul_tiled(
    const __global void *a, ph_view av, const __global void *b, ph_view bv,
    const __global void *bias, ph_view biasv, const __global void *c, ph_view cv,
    __global void *y, ph_view yv, int trans_a, int trans_b, float scale, float beta, int act,
    int has_bias, int has_c) {
  __local float As[TILE_K * (TILE_M + MM_PAD)];
  __local float Bs[TILE_K * (TILE_N + MM_PAD)];
  const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * MM_RTS_N + tx;
  const long n0 = (long)get_group_id(0) * TILE_N, m0 = (long)get_group_id(1) * TILE_M;
  const long bi = get_global_id(2);
  const mm_geom g = mm_geometry(&av, &bv, &yv, trans_a, trans_b, bi);
  const long M = g.M, N = g.N, K = g.K;
  const long sam = g.sam, sak = g.sak, sbk = g.sbk, sbn = g.sbn, ao = g.ao, bo = g.bo;

  float acc[WPT_M][WPT_N];
  for (int i = 0; i < WPT_M; ++i)
    for (int j = 0; j < WPT_N; ++j) acc[i][j] = 0.0f;

  for (long k0 = 0; k0 < K; k0 += TILE_K) {
    mm_load_tile(As, TILE_M + MM_PAD, a, av.dtype, ao, sam, sak, m0, M, k0, K, TILE_M, tid);
    mm_load_tile(Bs, TILE_N + MM_PAD, b, bv.dtype, bo, sbn, sbk, n0, N, k0, K, TILE_N, tid);
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int kk = 0; kk < TILE_K; ++kk) {
      float ar[WPT_M], br[WPT_N];
      for (int i = 0; i < WPT_M; ++i) ar[i] = As[kk * (TILE_M + MM_PAD) + ty + i * MM_RTS_M];
      for (int j = 0; j < WPT_N; ++j) br[j] = Bs[kk * (TILE_N + MM_PAD) + tx + j * MM_RTS_N];
#if MM_HALF_PRODUCTS
      if (av.dtype == PH_DTYPE_F16 && bv.dtype == PH_DTYPE_F16) {
        for (int i = 0; i < WPT_M; ++i)
          for (int j = 0; j < WPT_N; ++j) acc[i][j] += (float)((half)ar[i] * (half)br[j]);
        continue;
      }
#endif
      for (int i = 0; i < WPT_M; ++i)
        for (int j = 0; j < WPT_N; ++j) acc[i][j] = mad(ar[i], br[j], acc[i][j]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

  for (int i = 0; i < WPT_M; ++i) {
    const long m = m0 + ty + i * MM_RTS_M;
    if (m >= M) continue;
    for (int j = 0; j < WPT_N; ++j) {
      const long n = n0 + tx + j * MM_RTS_N;
      if (n < N)
        mm_store(scale * acc[i][j], bi, m, n, bias, &biasv, c, &cv, y, &yv, beta, act, has_bias,
                 has_c);
    }
  }
}

/* int8 tiles: as mm_load_tile, exact values kept as int. */
void mm_load_tile_i8(__local int *L, int ld, const __global char *p, long off, long sr, long sk,
                     long r0, long R, long k0, long K, int TR, int tid) {
  for (int e = tid; e < TR * TILE_K; e += MM_THREADS) {
    int row, kk;
    mm_tile_index(e, sk, TR, &row, &kk);
    const long gr = r0 + row, gk = k0 + kk;
    L[kk * ld + row] = gr < R && gk < K ? (int)p[off + gr * sr + gk * sk] : 0;
  }
}

/* ph_matmul_tiled for i8 a and b: int accumulators flushed into long once
 * MM_I8_CHUNK terms are in (at most TILE_K - 1 more than the chunk: still
 * far inside the int range). */
__kernel __attribute__((reqd_work_group_size(MM_RTS_N, MM_RTS_M, 1))) void ph_matmul_tiled_i8(
    const __global void *a, ph_view av, const __global void *b, ph_view bv,
    const __global void *bias, ph_view biasv, const __global void *c, ph_view cv,
    __global void *y, ph_view yv, int trans_a, int trans_b, float scale, float beta, int act,
    int has_bias, int has_c) {
  __local int As[TILE_K * (TILE_M + MM_PAD)];
  __local int Bs[TILE_K * (TILE_N + MM_PAD)];
  const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * MM_RTS_N + tx;
  const long n0 = (long)get_group_id(0) * TILE_N, m0 = (long)get_group_id(1) * TILE_M;
  const long bi = get_global_id(2);
  const mm_geom g = mm_geometry(&av, &bv, &yv, trans_a, trans_b, bi);
  const long M = g.M, N = g.N, K = g.K;
  const long sam = g.sam, sak = g.sak, sbk = g.sbk, sbn = g.sbn, ao = g.ao, bo = g.bo;

  int acc[WPT_M][WPT_N];
  long total[WPT_M][WPT_N];
  for (int i = 0; i < WPT_M; ++i)
    for (int j = 0; j < WPT_N; ++j) {
      acc[i][j] = 0;
      total[i][j] = 0;
    }

  long since_flush = 0;
  for (long k0 = 0; k0 < K; k0 += TILE_K) {
    mm_load_tile_i8(As, TILE_M + MM_PAD, (const __global char *)a, ao, sam, sak, m0, M, k0, K,
                    TILE_M, tid);
    mm_load_tile_i8(Bs, TILE_N + MM_PAD, (const __global char *)b, bo, sbn, sbk, n0, N, k0, K,
                    TILE_N, tid);
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int kk = 0; kk < TILE_K; ++kk) {
      int ar[WPT_M], br[WPT_N];
      for (int i = 0; i < WPT_M; ++i) ar[i] = As[kk * (TILE_M + MM_PAD) + ty + i * MM_RTS_M];
      for (int j = 0; j < WPT_N; ++j) br[j] = Bs[kk * (TILE_N + MM_PAD) + tx + j * MM_RTS_N];
      for (int i = 0; i < WPT_M; ++i)
        for (int j = 0; j < WPT_N; ++j) acc[i][j] += ar[i] * br[j];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    since_flush += TILE_K;
    if (since_flush >= MM_I8_CHUNK) {
      for (int i = 0; i < WPT_M; ++i)
        for (int j = 0; j < WPT_N; ++j) {
          total[i][j] += acc[i][j];
          acc[i][j] = 0;
        }
      since_flush = 0;
    }
  }

  for (int i = 0; i < WPT_M; ++i) {
    const long m = m0 + ty + i * MM_RTS_M;
    if (m >= M) continue;
    for (int j = 0; j < WPT_N; ++j) {
      const long n = n0 + tx + j * MM_RTS_N;
      if (n < N)
        mm_store(scale * (float)(total[i][j] + acc[i][j]), bi, m, n, bias, &biasv, c, &cv, y, &yv,
                 beta, act, has_bias, has_c);
    }
  }
}
