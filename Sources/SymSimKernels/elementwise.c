// Element-wise kernels that are memory-bound or transpose-bound in plain Swift.
#include "symsim_kernels.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SYMSIM_X86 1
#endif

// dst[i, j] = (src[i, j] + src[j, i]) * 0.5, or dst[i, j] += that, for one n x n block
// (row strides lds and ldd).
static inline void sym_one(const float *src, long lds, float *dst, long ldd, long i, long j, int accumulate) {
    float v = (src[i * lds + j] + src[j * lds + i]) * 0.5f;
    dst[i * ldd + j] = accumulate ? dst[i * ldd + j] + v : v;
}

static void sym_block_scalar(long n, const float *src, long lds, float *dst, long ldd, int accumulate, long from) {
    // Rows or columns at or past `from` (everything when from == 0), in 32 x 32 tiles.
    for (long i0 = 0; i0 < n; i0 += 32)
        for (long j0 = 0; j0 < n; j0 += 32)
            for (long i = i0; i < i0 + 32 && i < n; i++)
                for (long j = j0; j < j0 + 32 && j < n; j++)
                    if (i >= from || j >= from) sym_one(src, lds, dst, ldd, i, j, accumulate);
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
sym_tile16(const float *src, long lds, float *dst, long ldd, long I, long J, int accumulate) {
    __m512 t[16];
    for (int r = 0; r < 16; r++) t[r] = _mm512_loadu_ps(src + (J + r) * lds + I);
    transpose16(t);
    __m512 half = _mm512_set1_ps(0.5f);
    for (int r = 0; r < 16; r++) {
        float *out = dst + (I + r) * ldd + J;
        __m512 v = _mm512_mul_ps(_mm512_add_ps(_mm512_loadu_ps(src + (I + r) * lds + J), t[r]), half);
        _mm512_storeu_ps(out, accumulate ? _mm512_add_ps(_mm512_loadu_ps(out), v) : v);
    }
}

__attribute__((target("avx512f"))) static void
sym_block_avx512(long n, const float *src, long lds, float *dst, long ldd, int accumulate) {
    long n16 = n / 16 * 16;
    for (long I = 0; I < n16; I += 16)
        for (long J = 0; J < n16; J += 16) sym_tile16(src, lds, dst, ldd, I, J, accumulate);
    if (n16 < n) sym_block_scalar(n, src, lds, dst, ldd, accumulate, n16);
}

__attribute__((target("avx2"))) static inline void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int q = 0; q < 4; q++) {
        r[q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x20);
        r[4 + q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x31);
    }
}

__attribute__((target("avx2"))) static void
sym_block_avx2(long n, const float *src, long lds, float *dst, long ldd, int accumulate) {
    long n8 = n / 8 * 8;
    __m256 half = _mm256_set1_ps(0.5f);
    for (long I = 0; I < n8; I += 8)
        for (long J = 0; J < n8; J += 8) {
            __m256 t[8];
            for (int r = 0; r < 8; r++) t[r] = _mm256_loadu_ps(src + (J + r) * lds + I);
            transpose8(t);
            for (int r = 0; r < 8; r++) {
                float *out = dst + (I + r) * ldd + J;
                __m256 v = _mm256_mul_ps(_mm256_add_ps(_mm256_loadu_ps(src + (I + r) * lds + J), t[r]), half);
                _mm256_storeu_ps(out, accumulate ? _mm256_add_ps(_mm256_loadu_ps(out), v) : v);
            }
        }
    if (n8 < n) sym_block_scalar(n, src, lds, dst, ldd, accumulate, n8);
}
#endif

void symsim_symmetrize(int isa, long n, const float *src, long lds, float *dst, long ldd, int accumulate) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) { sym_block_avx512(n, src, lds, dst, ldd, accumulate); return; }
    if (isa == SYMSIM_ISA_AVX2) { sym_block_avx2(n, src, lds, dst, ldd, accumulate); return; }
#else
    (void)isa;
#endif
    sym_block_scalar(n, src, lds, dst, ldd, accumulate, 0);
}

void symsim_symmetrize_blocks(int isa, long n, long blocks, const float *src, float *dst,
                              int accumulate) {
    long ld = n * blocks;
    for (long k = 0; k < blocks; k++) symsim_symmetrize(isa, n, src + k * n, ld, dst + k * n, ld, accumulate);
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

// The portable versions, written so the compiler vectorises them (branches hoisted out of the
// loops); compiled once for the baseline and once for AVX2. Same operations as the AVX-512 ones.
#define BIAS_RELU_BODY                                                                            \
    if (x == out) { /* in place (the tape's usual call): one pointer, so the loops vectorise */    \
        for (long r = 0; r < m; r++) {                                                            \
            float *o = out + r * n;                                                               \
            if (bias && relu) { for (long c = 0; c < n; c++) { float z = o[c] + bias[c]; o[c] = z > 0 ? z : 0; } } \
            else if (bias) { for (long c = 0; c < n; c++) o[c] = o[c] + bias[c]; }                \
            else if (relu) { for (long c = 0; c < n; c++) { float z = o[c]; o[c] = z > 0 ? z : 0; } } \
        }                                                                                         \
        return;                                                                                   \
    }                                                                                             \
    for (long r = 0; r < m; r++) {                                                                \
        const float *xr = x + r * n;                                                              \
        float *o = out + r * n;                                                                   \
        if (bias && relu) { for (long c = 0; c < n; c++) { float z = xr[c] + bias[c]; o[c] = z > 0 ? z : 0; } } \
        else if (bias) { for (long c = 0; c < n; c++) o[c] = xr[c] + bias[c]; }                   \
        else if (relu) { for (long c = 0; c < n; c++) { float z = xr[c]; o[c] = z > 0 ? z : 0; } } \
        else { for (long c = 0; c < n; c++) o[c] = xr[c]; }                                       \
    }

#define RELU_GRAD_BODY                                                                            \
    for (long c = 0; c < n; c++) colsum[c] = 0;                                                   \
    for (long r = 0; r < m; r++) {                                                                \
        const float *gr = g + r * n, *yr = y + r * n;                                             \
        float *dr = dz ? dz + r * n : NULL;                                                       \
        if (relu && dr) { for (long c = 0; c < n; c++) { float v = yr[c] > 0 ? gr[c] : 0; dr[c] = v; colsum[c] += v; } } \
        else if (relu) { for (long c = 0; c < n; c++) { float v = yr[c] > 0 ? gr[c] : 0; colsum[c] += v; } } \
        else if (dr) { for (long c = 0; c < n; c++) { float v = gr[c]; dr[c] = v; colsum[c] += v; } } \
        else { for (long c = 0; c < n; c++) colsum[c] += gr[c]; }                                 \
    }

static void bias_relu_generic(long m, long n, const float *x, const float *bias, float *out, int relu) {
    BIAS_RELU_BODY
}
static void relu_grad_colsum_generic(long m, long n, const float *g, const float *y, float *dz,
                                     float *colsum, int relu) {
    RELU_GRAD_BODY
}

#ifdef SYMSIM_X86
__attribute__((target("avx2"))) static void
bias_relu_avx2(long m, long n, const float *x, const float *bias, float *out, int relu) {
    BIAS_RELU_BODY
}
__attribute__((target("avx2"))) static void
relu_grad_colsum_avx2(long m, long n, const float *g, const float *y, float *dz, float *colsum, int relu) {
    RELU_GRAD_BODY
}
#endif

void symsim_bias_relu(int isa, long m, long n, const float *x, const float *bias, float *out, int relu) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) { bias_relu_avx512(m, n, x, bias, out, relu); return; }
    if (isa == SYMSIM_ISA_AVX2) { bias_relu_avx2(m, n, x, bias, out, relu); return; }
#else
    (void)isa;
#endif
    bias_relu_generic(m, n, x, bias, out, relu);
}

void symsim_relu_grad_colsum(int isa, long m, long n, const float *g, const float *y, float *dz,
                             float *colsum, int relu) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) { relu_grad_colsum_avx512(m, n, g, y, dz, colsum, relu); return; }
    if (isa == SYMSIM_ISA_AVX2) { relu_grad_colsum_avx2(m, n, g, y, dz, colsum, relu); return; }
#else
    (void)isa;
#endif
    relu_grad_colsum_generic(m, n, g, y, dz, colsum, relu);
}

// MARK: - Row cosine: forward and gradient
//
// The same arithmetic as the Swift tape's eight-lane code it replaces, operation for operation:
// dot products keep eight partial sums (lane l takes elements l, l+8, ...; each step a rounded
// product, then a rounded sum), reduced as ((s0+s4)+(s1+s5))+((s2+s6)+(s3+s7)), then the tail
// added one element at a time. So the result does not depend on the instruction set.

static inline float reduce8(const float a[8]) {
    return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

static inline float dot8_scalar(const float *x, const float *y, long n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) { float p = x[i + l] * y[i + l]; acc[l] = acc[l] + p; }
    float s = reduce8(acc);
    for (; i < n; i++) { float p = x[i] * y[i]; s = s + p; }
    return s;
}

static inline void cosine_grad_scalar(float *dst, float g, const float *other, const float *self,
                                      float denom, float cosv, float inv, long n, int acc) {
    for (long c = 0; c < n; c++) {
        float v = g * (other[c] / denom - (cosv * self[c]) * inv);
        dst[c] = acc ? dst[c] + v : v;
    }
}

#ifdef SYMSIM_X86

__attribute__((target("avx2"))) static inline void
cosine_grad_avx2(float *dst, float g, const float *other, const float *self, float denom,
                 float cosv, float inv, long n, int acc) {
    __m256 vg = _mm256_set1_ps(g), vd = _mm256_set1_ps(denom), vc = _mm256_set1_ps(cosv), vi = _mm256_set1_ps(inv);
    long c = 0;
    for (; c + 8 <= n; c += 8) {
        __m256 t = _mm256_sub_ps(_mm256_div_ps(_mm256_loadu_ps(other + c), vd),
                                 _mm256_mul_ps(_mm256_mul_ps(vc, _mm256_loadu_ps(self + c)), vi));
        __m256 v = _mm256_mul_ps(vg, t);
        _mm256_storeu_ps(dst + c, acc ? _mm256_add_ps(_mm256_loadu_ps(dst + c), v) : v);
    }
    cosine_grad_scalar(dst + c, g, other + c, self + c, denom, cosv, inv, n - c, acc);
}
#endif

// x·x, y·y and x·y with dot8's order for each: three independent chains in one pass.
static inline void dots3_scalar(const float *x, const float *y, long n, float *xx, float *yy, float *xy) {
    *xx = dot8_scalar(x, x, n);
    *yy = dot8_scalar(y, y, n);
    *xy = dot8_scalar(x, y, n);
}

#ifdef SYMSIM_X86
__attribute__((target("avx2"))) static inline void
dots3_avx2(const float *x, const float *y, long n, float *xx, float *yy, float *xy) {
    __m256 axx = _mm256_setzero_ps(), ayy = _mm256_setzero_ps(), axy = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 vx = _mm256_loadu_ps(x + i), vy = _mm256_loadu_ps(y + i);
        axx = _mm256_add_ps(axx, _mm256_mul_ps(vx, vx));
        ayy = _mm256_add_ps(ayy, _mm256_mul_ps(vy, vy));
        axy = _mm256_add_ps(axy, _mm256_mul_ps(vx, vy));
    }
    float a[8], b[8], c[8];
    _mm256_storeu_ps(a, axx); _mm256_storeu_ps(b, ayy); _mm256_storeu_ps(c, axy);
    float sxx = reduce8(a), syy = reduce8(b), sxy = reduce8(c);
    for (; i < n; i++) {
        float p = x[i] * x[i]; sxx = sxx + p;
        float q = y[i] * y[i]; syy = syy + q;
        float t = x[i] * y[i]; sxy = sxy + t;
    }
    *xx = sxx; *yy = syy; *xy = sxy;
}
#endif

static inline void dots3(int isa, const float *x, const float *y, long n, float *xx, float *yy, float *xy) {
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX2) { dots3_avx2(x, y, n, xx, yy, xy); return; }
#else
    (void)isa;
#endif
    dots3_scalar(x, y, n, xx, yy, xy);
}


void symsim_row_cosine(int isa, long m, long n, const float *x, const float *y, float *out, float eps) {
    for (long r = 0; r < m; r++) {
        const float *xr = x + r * n, *yr = y + r * n;
        float xx, yy, xy;
        dots3(isa, xr, yr, n, &xx, &yy, &xy);
        float d = sqrtf(xx) * sqrtf(yy);
        d = eps >= d ? eps : d;  // Swift.max(d, eps): NaN stays NaN
        out[r] = xy / d;
    }
}

void symsim_row_cosine_grad(int isa, long m, long n, const float *x, const float *y,
                            const float *cosv, const float *g, float *gx, int acc_x,
                            float *gy, int acc_y, float eps) {
    for (long r = 0; r < m; r++) {
        const float *xr = x + r * n, *yr = y + r * n;
        float xx, yy, xy;
        dots3(isa, xr, yr, n, &xx, &yy, &xy);  // x·y unused: one pass is cheaper than two dots
        float nx = sqrtf(xx), ny = sqrtf(yy);
        float denom = nx * ny, gr = g[r];
        if (!(denom > eps)) {
            // Below the floor the value is x·y/eps, linear in each side.
            for (long c = 0; c < n; c++) {
                if (gx) { float v = (gr * yr[c]) / eps; gx[r * n + c] = acc_x ? gx[r * n + c] + v : v; }
                if (gy) { float v = (gr * xr[c]) / eps; gy[r * n + c] = acc_y ? gy[r * n + c] + v : v; }
            }
            continue;
        }
        float ix = 1 / (nx * nx), iy = 1 / (ny * ny);
#ifdef SYMSIM_X86
        if (isa >= SYMSIM_ISA_AVX2) {
            if (gx) cosine_grad_avx2(gx + r * n, gr, yr, xr, denom, cosv[r], ix, n, acc_x);
            if (gy) cosine_grad_avx2(gy + r * n, gr, xr, yr, denom, cosv[r], iy, n, acc_y);
            continue;
        }
#endif
        if (gx) cosine_grad_scalar(gx + r * n, gr, yr, xr, denom, cosv[r], ix, n, acc_x);
        if (gy) cosine_grad_scalar(gy + r * n, gr, xr, yr, denom, cosv[r], iy, n, acc_y);
    }
}
