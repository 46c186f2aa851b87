// The matrix product behind MatrixProduct's native backend. See include/symsim_kernels.h for
// the order of operations every kernel here follows.
//
// Layout (GotoBLAS/BLIS style): for each block of NC columns and each block of KC steps of k,
// op(B) is packed into NR-column micro-panels; for each block of MC rows, op(A) is packed into
// MR-row micro-panels; a register-blocked micro-kernel then multiplies one A micro-panel by one
// B micro-panel, keeping the MR x NR tile of C in registers for all KC steps. Packing pads with
// zeros, and the tile is written back with masks, so edges need no scalar code.
#include "symsim_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SYMSIM_X86 1
#endif

#define KC SYMSIM_GEMM_KC
#define MC 192
#define NC 1024

// MARK: - Packing buffers (one pair per thread, grown on demand, 64-byte aligned)

static _Thread_local float *pack_a_buf = NULL;
static _Thread_local size_t pack_a_cap = 0;
static _Thread_local float *pack_b_buf = NULL;
static _Thread_local size_t pack_b_cap = 0;

static float *buffer(float **buf, size_t *cap, size_t count) {
    if (count > *cap) {
        free(*buf);
        size_t bytes = (count * sizeof(float) + 63) & ~(size_t)63;
        *buf = (float *)aligned_alloc(64, bytes);
        if (*buf == NULL) abort();
        *cap = bytes / sizeof(float);
    }
    return *buf;
}

// op(A)[i0 .. i0+rows, p0 .. p0+kc] into micro-panels of mr rows (rows past `rows` are zero).
// Two layouts, whichever is a plain copy for the way A is stored:
// - row-major A ("r-major" panel): row r of the panel at panel[r * KC + p], each a copy of part of
//   one row of A; the kernel broadcasts with a constant row offset of KC floats.
// - transposed A ("p-major" panel): panel[p * mr + r], each p a copy of mr consecutive floats.
static inline __attribute__((always_inline))
void pack_a(int trans, const float *a, long lda, long i0, long rows, long p0, long kc,
            const int mr, float *dst) {
    for (long q = 0; q < rows; q += mr) {
        long valid = rows - q < mr ? rows - q : mr;
        if (trans) {
            float *panel = dst + q * kc;
            const float *src = a + p0 * lda + i0 + q;
            if (valid == mr) {
                for (long p = 0; p < kc; p++) memcpy(panel + p * mr, src + p * lda, (size_t)mr * sizeof(float));
            } else {
                for (long p = 0; p < kc; p++) {
                    float *out = panel + p * mr;
                    long r = 0;
                    for (; r < valid; r++) out[r] = src[p * lda + r];
                    for (; r < mr; r++) out[r] = 0;
                }
            }
        } else {
            float *panel = dst + q * KC;
            for (long r = 0; r < mr; r++) {
                if (r < valid) memcpy(panel + r * KC, a + (i0 + q + r) * lda + p0, (size_t)kc * sizeof(float));
                else memset(panel + r * KC, 0, (size_t)kc * sizeof(float));
            }
        }
    }
}

// op(B)[p0 .. p0+kc, j0 .. j0+cols] into micro-panels of nr columns.
static inline __attribute__((always_inline))
void pack_b(int trans, const float *b, long ldb, long p0, long kc, long j0, long cols,
            const int nr, float *dst) {
    for (long q = 0; q < cols; q += nr) {
        long valid = cols - q < nr ? cols - q : nr;
        float *panel = dst + q * kc;
        if (trans) {
            // op(B)[p, j] = B[j, p]
            for (long j = 0; j < nr; j++) {
                if (j < valid) {
                    const float *src = b + (j0 + q + j) * ldb + p0;
                    for (long p = 0; p < kc; p++) panel[p * nr + j] = src[p];
                } else {
                    for (long p = 0; p < kc; p++) panel[p * nr + j] = 0;
                }
            }
        } else if (valid == nr) {
            const float *src = b + p0 * ldb + j0 + q;
            for (long p = 0; p < kc; p++) memcpy(panel + p * nr, src + p * ldb, (size_t)nr * sizeof(float));
        } else {
            for (long p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + q;
                float *out = panel + p * nr;
                long j = 0;
                for (; j < valid; j++) out[j] = src[j];
                for (; j < nr; j++) out[j] = 0;
            }
        }
    }
}

// Packing with the tile sizes as constants, so the full-panel copies compile to vector moves.
#define PACKERS(NAME, MR_, NR_)                                                                  \
    static void pack_a_##NAME(int t, const float *a, long lda, long i0, long rows, long p0,      \
                              long kc, float *dst) { pack_a(t, a, lda, i0, rows, p0, kc, MR_, dst); } \
    static void pack_b_##NAME(int t, const float *b, long ldb, long p0, long kc, long j0,        \
                              long cols, float *dst) { pack_b(t, b, ldb, p0, kc, j0, cols, NR_, dst); }

typedef void (*pack_a_fn)(int, const float *, long, long, long, long, long, float *);
typedef void (*pack_b_fn)(int, const float *, long, long, long, long, long, float *);

// MARK: - Micro-kernels

// A tile of C (rows x cols of at most MR x NR) from one A micro-panel and one B micro-panel.
// `pmajor` tells the A panel's layout (see pack_a). `first` is the first block of k.
typedef void (*micro_kernel)(long kc, const float *ap, const float *bp, float *c, long ldc,
                             long rows, long cols, float alpha, float beta, int first);

// A value of the A panel: row r, step p.
#define A_AT(ap, pmajor, mr, r, p) ((pmajor) ? (ap)[(p) * (mr) + (r)] : (ap)[(r) * KC + (p)])

// The scalar tile: the reference every vector kernel must match bit for bit.
static inline __attribute__((always_inline))
void kernel_scalar(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
                   long cols, float alpha, float beta, int first, int pmajor, int mr, int nr) {
    for (long r = 0; r < rows; r++) {
        for (long j = 0; j < cols; j++) {
            float acc = 0;
            for (long p = 0; p < kc; p++) acc = fmaf(A_AT(ap, pmajor, mr, r, p), bp[p * nr + j], acc);
            float *dst = c + r * ldc + j;
            if (!first) *dst = fmaf(alpha, acc, *dst);
            else if (beta == 0) *dst = alpha * acc;
            else *dst = fmaf(beta, *dst, alpha * acc);
        }
    }
}

#define SCALAR_MR 4
#define SCALAR_NR 4
static void kernel_scalar_p(long kc, const float *ap, const float *bp, float *c, long ldc,
                            long rows, long cols, float alpha, float beta, int first) {
    kernel_scalar(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 1, SCALAR_MR, SCALAR_NR);
}
static void kernel_scalar_r(long kc, const float *ap, const float *bp, float *c, long ldc,
                            long rows, long cols, float alpha, float beta, int first) {
    kernel_scalar(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 0, SCALAR_MR, SCALAR_NR);
}

PACKERS(scalar, SCALAR_MR, SCALAR_NR)

#ifdef SYMSIM_X86

// AVX-512: tile of MR512 rows x 32 columns, 2*MR512 zmm accumulators; A values are broadcast.
#define MR512 12
#define NR512 32
PACKERS(avx512, MR512, NR512)

__attribute__((target("avx512f"))) static inline __m512
epilogue512(__m512 acc, __m512 old, __m512 va, __m512 vb, float beta, int first) {
    if (!first) return _mm512_fmadd_ps(va, acc, old);
    if (beta == 0) return _mm512_mul_ps(va, acc);
    return _mm512_fmadd_ps(vb, old, _mm512_mul_ps(va, acc));
}

__attribute__((target("avx512f"), always_inline)) static inline void
kernel_avx512(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
              long cols, float alpha, float beta, int first, int pmajor) {
    __m512 acc0[MR512], acc1[MR512];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR512; r++) {
            __m512 x = _mm512_set1_ps(pmajor ? ap[r] : ap[r * KC]);
            acc0[r] = _mm512_fmadd_ps(x, b0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(x, b1, acc1[r]);
        }
        ap += pmajor ? MR512 : 1;
        bp += NR512;
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int needOld = !first || beta != 0;
    if (rows == MR512 && cols == NR512) {
#pragma clang loop unroll(full)
        for (int r = 0; r < MR512; r++) {
            float *dst = c + r * ldc;
            __m512 o0 = needOld ? _mm512_loadu_ps(dst) : _mm512_setzero_ps();
            __m512 o1 = needOld ? _mm512_loadu_ps(dst + 16) : _mm512_setzero_ps();
            _mm512_storeu_ps(dst, epilogue512(acc0[r], o0, va, vb, beta, first));
            _mm512_storeu_ps(dst + 16, epilogue512(acc1[r], o1, va, vb, beta, first));
        }
        return;
    }
    __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32 ? (__mmask16)0xFFFF : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
    for (int r = 0; r < MR512; r++) {
        if (r >= rows) break;
        float *dst = c + r * ldc;
        __m512 o0 = needOld ? _mm512_maskz_loadu_ps(m0, dst) : _mm512_setzero_ps();
        __m512 o1 = needOld ? _mm512_maskz_loadu_ps(m1, dst + 16) : _mm512_setzero_ps();
        _mm512_mask_storeu_ps(dst, m0, epilogue512(acc0[r], o0, va, vb, beta, first));
        _mm512_mask_storeu_ps(dst + 16, m1, epilogue512(acc1[r], o1, va, vb, beta, first));
    }
}

__attribute__((target("avx512f"))) static void
kernel_avx512_p(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
                long cols, float alpha, float beta, int first) {
    kernel_avx512(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 1);
}
__attribute__((target("avx512f"))) static void
kernel_avx512_r(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
                long cols, float alpha, float beta, int first) {
    kernel_avx512(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 0);
}

// AVX2 + FMA: tile of 6 rows x 16 columns, 12 ymm accumulators.
#define MR256 6
#define NR256 16
PACKERS(avx2, MR256, NR256)

__attribute__((target("avx2,fma"))) static inline __m256
epilogue256(__m256 acc, __m256 old, __m256 va, __m256 vb, float beta, int first) {
    if (!first) return _mm256_fmadd_ps(va, acc, old);
    if (beta == 0) return _mm256_mul_ps(va, acc);
    return _mm256_fmadd_ps(vb, old, _mm256_mul_ps(va, acc));
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
kernel_avx2(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
            long cols, float alpha, float beta, int first, int pmajor) {
    __m256 acc0[MR256], acc1[MR256];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) { acc0[r] = _mm256_setzero_ps(); acc1[r] = _mm256_setzero_ps(); }
    for (long p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR256; r++) {
            __m256 x = _mm256_broadcast_ss(pmajor ? ap + r : ap + r * KC);
            acc0[r] = _mm256_fmadd_ps(x, b0, acc0[r]);
            acc1[r] = _mm256_fmadd_ps(x, b1, acc1[r]);
        }
        ap += pmajor ? MR256 : 1;
        bp += NR256;
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    int needOld = !first || beta != 0;
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i k0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(cols < 8 ? cols : 8)), lane);
    __m256i k1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(cols < 8 ? 0 : cols - 8 < 8 ? cols - 8 : 8)), lane);
    for (int r = 0; r < MR256; r++) {
        if (r >= rows) break;
        float *dst = c + r * ldc;
        __m256 o0 = needOld ? _mm256_maskload_ps(dst, k0) : _mm256_setzero_ps();
        __m256 o1 = needOld ? _mm256_maskload_ps(dst + 8, k1) : _mm256_setzero_ps();
        _mm256_maskstore_ps(dst, k0, epilogue256(acc0[r], o0, va, vb, beta, first));
        _mm256_maskstore_ps(dst + 8, k1, epilogue256(acc1[r], o1, va, vb, beta, first));
    }
}

__attribute__((target("avx2,fma"))) static void
kernel_avx2_p(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
              long cols, float alpha, float beta, int first) {
    kernel_avx2(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 1);
}
__attribute__((target("avx2,fma"))) static void
kernel_avx2_r(long kc, const float *ap, const float *bp, float *c, long ldc, long rows,
              long cols, float alpha, float beta, int first) {
    kernel_avx2(kc, ap, bp, c, ldc, rows, cols, alpha, beta, first, 0);
}

#endif

// MARK: - Dispatch

int symsim_best_isa(void) {
#ifdef SYMSIM_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return SYMSIM_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SYMSIM_ISA_AVX2;
#endif
    return SYMSIM_ISA_SCALAR;
}

static void scale_columns(long m, float beta, float *c, long ldc, long j0, long j1) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0) { for (long j = j0; j < j1; j++) row[j] = 0; }
        else if (beta != 1) { for (long j = j0; j < j1; j++) row[j] *= beta; }
    }
}

void symsim_sgemm(int isa, int trans_a, int trans_b,
                  long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb,
                  float beta, float *c, long ldc,
                  long col_begin, long col_end) {
    if (col_end > n) col_end = n;
    if (col_begin < 0) col_begin = 0;
    if (m <= 0 || col_end <= col_begin) return;
    if (k <= 0 || alpha == 0) { scale_columns(m, beta, c, ldc, col_begin, col_end); return; }

    // A transposed packs p-major, A row-major packs r-major (both plain copies).
    int pmajor = trans_a != 0;
    micro_kernel kernel = pmajor ? kernel_scalar_p : kernel_scalar_r;
    pack_a_fn pa = pack_a_scalar;
    pack_b_fn pb = pack_b_scalar;
    int mr = SCALAR_MR, nr = SCALAR_NR;
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) {
        kernel = pmajor ? kernel_avx512_p : kernel_avx512_r; mr = MR512; nr = NR512;
        pa = pack_a_avx512; pb = pack_b_avx512;
    } else if (isa == SYMSIM_ISA_AVX2) {
        kernel = pmajor ? kernel_avx2_p : kernel_avx2_r; mr = MR256; nr = NR256;
        pa = pack_a_avx2; pb = pack_b_avx2;
    }
#else
    (void)isa;
#endif

    long ncap = col_end - col_begin < NC ? col_end - col_begin : NC;
    long ncap_pad = (ncap + nr - 1) / nr * nr;
    long mcap = m < MC ? m : MC;
    long mcap_pad = (mcap + mr - 1) / mr * mr;
    long kcap = k < KC ? k : KC;
    float *bpack = buffer(&pack_b_buf, &pack_b_cap, (size_t)(kcap * ncap_pad));
    float *apack = buffer(&pack_a_buf, &pack_a_cap, (size_t)((pmajor ? kcap : KC) * mcap_pad));
    long apanel = 0;

    for (long jc = col_begin; jc < col_end; jc += NC) {
        long nc = col_end - jc < NC ? col_end - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            long kc = k - pc < KC ? k - pc : KC;
            int first = pc == 0;
            pb(trans_b, b, ldb, pc, kc, jc, nc, bpack);
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                pa(trans_a, a, lda, ic, mc, pc, kc, apack);
                apanel = pmajor ? kc : KC;
                for (long jr = 0; jr < nc; jr += nr) {
                    long cols = nc - jr < nr ? nc - jr : nr;
                    const float *bp = bpack + jr * kc;
                    for (long ir = 0; ir < mc; ir += mr) {
                        long rows = mc - ir < mr ? mc - ir : mr;
                        kernel(kc, apack + ir * apanel, bp, c + (ic + ir) * ldc + jc + jr, ldc,
                               rows, cols, alpha, beta, first);
                    }
                }
            }
        }
    }
}
