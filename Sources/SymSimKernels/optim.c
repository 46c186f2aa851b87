// Optimiser updates: one pass over memory per parameter, the widest vectors the CPU has.
#include "symsim_kernels.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SYMSIM_X86 1
#endif

static inline void adam_one(float *w, const float *g, float *m, float *v, long i,
                            float b1, float c1, float b2, float c2, float r2, float eps,
                            float decay, float step) {
    float gi = g[i];
    float mi = b1 * m[i] + c1 * gi;
    float vi = b2 * v[i] + (c2 * gi) * gi;
    float d = sqrtf(vi) / r2 + eps;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] * decay - (step * mi) / d;
}

#ifdef SYMSIM_X86
__attribute__((target("avx512f"))) static long
adam_avx512(long count, float *w, const float *g, float *m, float *v, float b1, float c1,
            float b2, float c2, float r2, float eps, float decay, float step) {
    __m512 vb1 = _mm512_set1_ps(b1), vc1 = _mm512_set1_ps(c1), vb2 = _mm512_set1_ps(b2);
    __m512 vc2 = _mm512_set1_ps(c2), vr2 = _mm512_set1_ps(r2), veps = _mm512_set1_ps(eps);
    __m512 vdecay = _mm512_set1_ps(decay), vstep = _mm512_set1_ps(step);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 gi = _mm512_loadu_ps(g + i);
        __m512 mi = _mm512_add_ps(_mm512_mul_ps(vb1, _mm512_loadu_ps(m + i)), _mm512_mul_ps(vc1, gi));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(vb2, _mm512_loadu_ps(v + i)),
                                  _mm512_mul_ps(_mm512_mul_ps(vc2, gi), gi));
        __m512 d = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), vr2), veps);
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        __m512 wi = _mm512_sub_ps(_mm512_mul_ps(_mm512_loadu_ps(w + i), vdecay),
                                  _mm512_div_ps(_mm512_mul_ps(vstep, mi), d));
        _mm512_storeu_ps(w + i, wi);
    }
    return i;
}

__attribute__((target("avx2"))) static long
adam_avx2(long count, float *w, const float *g, float *m, float *v, float b1, float c1,
          float b2, float c2, float r2, float eps, float decay, float step) {
    __m256 vb1 = _mm256_set1_ps(b1), vc1 = _mm256_set1_ps(c1), vb2 = _mm256_set1_ps(b2);
    __m256 vc2 = _mm256_set1_ps(c2), vr2 = _mm256_set1_ps(r2), veps = _mm256_set1_ps(eps);
    __m256 vdecay = _mm256_set1_ps(decay), vstep = _mm256_set1_ps(step);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(vc1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
                                  _mm256_mul_ps(_mm256_mul_ps(vc2, gi), gi));
        __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), vr2), veps);
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 wi = _mm256_sub_ps(_mm256_mul_ps(_mm256_loadu_ps(w + i), vdecay),
                                  _mm256_div_ps(_mm256_mul_ps(vstep, mi), d));
        _mm256_storeu_ps(w + i, wi);
    }
    return i;
}
#endif

void symsim_adam(int isa, long count, float *w, const float *g, float *m, float *v,
                 float b1, float c1, float b2, float c2, float r2, float eps,
                 float decay, float step) {
    long i = 0;
#ifdef SYMSIM_X86
    if (isa >= SYMSIM_ISA_AVX512) i = adam_avx512(count, w, g, m, v, b1, c1, b2, c2, r2, eps, decay, step);
    else if (isa == SYMSIM_ISA_AVX2) i = adam_avx2(count, w, g, m, v, b1, c1, b2, c2, r2, eps, decay, step);
#else
    (void)isa;
#endif
    for (; i < count; i++) adam_one(w, g, m, v, i, b1, c1, b2, c2, r2, eps, decay, step);
}
