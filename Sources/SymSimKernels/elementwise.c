// Element-wise kernels that are memory-bound or transpose-bound in plain Swift.
#include "symsim_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SYMSIM_X86 1
#endif

// dst[i, j] = (src[i, j] + src[j, i]) * 0.5, or dst[i, j] += that, for one n x n block.
static inline void sym_one(const float *src, float *dst, long ld, long i, long j, int accumulate) {
    float v = (src[i * ld + j] + src[j * ld + i]) * 0.5f;
    dst[i * ld + j] = accumulate ? dst[i * ld + j] + v : v;
}

static void sym_block_scalar(long n, const float *src, float *dst, long ld, int accumulate, long from) {
    // Rows or columns at or past `from` (everything when from == 0), in 32 x 32 tiles.
    for (long i0 = 0; i0 < n; i0 += 32)
        for (long j0 = 0; j0 < n; j0 += 32)
            for (long i = i0; i < i0 + 32 && i < n; i++)
                for (long j = j0; j < j0 + 32 && j < n; j++)
                    if (i >= from || j >= from) sym_one(src, dst, ld, i, j, accumulate);
}

#ifdef SYMSIM_X86
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int i = 0; i < 2; i++)
        for (int q = 0; q < 4; q++) {
            t[8 * i + q] = _mm512_shuffle_f32x4(r[8 * i + q], r[8 * i + 4 + q], 0x88);
            t[8 * i + 4 + q] = _mm512_shuffle_f32x4(r[8 * i + q], r[8 * i + 4 + q], 0xdd);
        }
    for (int q = 0; q < 8; q++) {
        r[q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0x88);
        r[8 + q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0xdd);
    }
}

// Tile (I, J) of dst from tile (I, J) and the transpose of tile (J, I) of src.
__attribute__((target("avx512f"))) static inline void
sym_tile16(const float *src, float *dst, long ld, long I, long J, int accumulate) {
    __m512 t[16];
    for (int r = 0; r < 16; r++) t[r] = _mm512_loadu_ps(src + (J + r) * ld + I);
    transpose16(t);
    __m512 half = _mm512_set1_ps(0.5f);
    for (int r = 0; r < 16; r++) {
        float *out = dst + (I + r) * ld + J;
        __m512 v = _mm512_mul_ps(_mm512_add_ps(_mm512_loadu_ps(src + (I + r) * ld + J), t[r]), half);
        _mm512_storeu_ps(out, accumulate ? _mm512_add_ps(_mm512_loadu_ps(out), v) : v);
    }
}

__attribute__((target("avx512f"))) static void
sym_block_avx512(long n, const float *src, float *dst, long ld, int accumulate) {
    long n16 = n / 16 * 16;
    for (long I = 0; I < n16; I += 16)
        for (long J = 0; J < n16; J += 16) sym_tile16(src, dst, ld, I, J, accumulate);
    if (n16 < n) sym_block_scalar(n, src, dst, ld, accumulate, n16);
}
#endif

void symsim_symmetrize_blocks(int isa, long n, long blocks, const float *src, float *dst,
                              int accumulate) {
    long ld = n * blocks;
    for (long k = 0; k < blocks; k++) {
#ifdef SYMSIM_X86
        if (isa >= SYMSIM_ISA_AVX512) { sym_block_avx512(n, src + k * n, dst + k * n, ld, accumulate); continue; }
#else
        (void)isa;
#endif
        sym_block_scalar(n, src + k * n, dst + k * n, ld, accumulate, 0);
    }
}

// MARK: - Dense layer: bias and ReLU forward, ReLU gradient and bias gradient backward

#ifdef SYMSIM_X86
__attribute__((target("avx512f"))) static void
bias_relu_avx512(long m, long n, const float *x, const float *bias, float *out, int relu) {
    __m512 zero = _mm512_setzero_ps();
    for (long r = 0; r < m; r++) {
        const float *xr = x + r * n;
        float *o = out + r * n;
        long c = 0;
        for (; c + 16 <= n; c += 16) {
            __m512 z = _mm512_loadu_ps(xr + c);
            if (bias) z = _mm512_add_ps(z, _mm512_loadu_ps(bias + c));
            // max(z, 0) returns its second operand for NaN and for ±0: NaN and -0 become +0.
            if (relu) z = _mm512_max_ps(z, zero);
            _mm512_storeu_ps(o + c, z);
        }
        for (; c < n; c++) {
            float z = bias ? xr[c] + bias[c] : xr[c];
            o[c] = relu ? (z > 0 ? z : 0) : z;
        }
    }
}

__attribute__((target("avx512f"))) static void
relu_grad_colsum_avx512(long m, long n, const float *g, const float *y, float *dz, float *colsum,
                        int relu) {
    __m512 zero = _mm512_setzero_ps();
    for (long c = 0; c < n; c++) colsum[c] = 0;
    for (long r = 0; r < m; r++) {
        const float *gr = g + r * n, *yr = y + r * n;
        long c = 0;
        for (; c + 16 <= n; c += 16) {
            __m512 v = _mm512_loadu_ps(gr + c);
            if (relu) v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_loadu_ps(yr + c), zero, _CMP_GT_OQ), v);
            if (dz) _mm512_storeu_ps(dz + r * n + c, v);
            _mm512_storeu_ps(colsum + c, _mm512_add_ps(_mm512_loadu_ps(colsum + c), v));
        }
        for (; c < n; c++) {
            float v = relu ? (yr[c] > 0 ? gr[c] : 0) : gr[c];
            if (dz) dz[r * n + c] = v;
            colsum[c] += v;
        }
    }
}
#endif

void symsim_bias_relu(int isa, long m, long n, const float *x, const float *bias, float *out, int relu) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) { bias_relu_avx512(m, n, x, bias, out, relu); return; }
#else
    (void)isa;
#endif
    for (long r = 0; r < m; r++)
        for (long c = 0; c < n; c++) {
            float z = bias ? x[r * n + c] + bias[c] : x[r * n + c];
            out[r * n + c] = relu ? (z > 0 ? z : 0) : z;
        }
}

void symsim_relu_grad_colsum(int isa, long m, long n, const float *g, const float *y, float *dz,
                             float *colsum, int relu) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) { relu_grad_colsum_avx512(m, n, g, y, dz, colsum, relu); return; }
#else
    (void)isa;
#endif
    for (long c = 0; c < n; c++) colsum[c] = 0;
    for (long r = 0; r < m; r++)
        for (long c = 0; c < n; c++) {
            float v = relu ? (y[r * n + c] > 0 ? g[r * n + c] : 0) : g[r * n + c];
            if (dz) dz[r * n + c] = v;
            colsum[c] += v;
        }
}
