// Single-precision matrix product with explicit x86 vector kernels (AVX-512F and AVX2+FMA),
// chosen at run time from what the CPU reports.
//
// Every element of C is computed in the same order whatever kernel runs: k is cut into blocks
// of SYMSIM_GEMM_KC; inside a block one accumulator starts at zero and takes fused multiply-adds
// in order of k; the first block then stores alpha*acc (plus beta*C via one fused multiply-add,
// when beta != 0), every later block adds alpha*acc to C with one fused multiply-add. So the
// AVX-512 kernel, the AVX2 kernel and the scalar reference give bit-identical results, and the
// thread count never changes them.
#ifndef SYMSIM_KERNELS_H
#define SYMSIM_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

#define SYMSIM_GEMM_KC 256

/// Kernels: 0 = scalar reference (fmaf), 1 = AVX2+FMA, 2 = AVX-512F.
enum {
    SYMSIM_ISA_SCALAR = 0,
    SYMSIM_ISA_AVX2 = 1,
    SYMSIM_ISA_AVX512 = 2,
};

/// The widest kernel this CPU (and this build) supports.
int symsim_best_isa(void);

/// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is m x k (A stored k x m when
/// trans_a), op(B) is k x n (B stored n x k when trans_b). With beta == 0, C is only written.
/// `isa` must be one symsim_best_isa() allows (or lower). Columns [col_begin, col_end) of C only,
/// so callers can split one product across threads without changing any element's bits.
void symsim_sgemm(int isa, int trans_a, int trans_b,
                  long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb,
                  float beta, float *c, long ldc,
                  long col_begin, long col_end);

/// One Adam(W) update of `count` weights, in place, each element as
///     m = b1*m + c1*g;  v = b2*v + (c2*g)*g;  d = sqrt(v)/r2 + eps;  w = w*decay - (step*m)/d
/// with every operation rounded on its own (no fused multiply-add) and a correctly rounded
/// square root, so every `isa` gives the same bits.
void symsim_adam(int isa, long count, float *w, const float *g, float *m, float *v,
                 float b1, float c1, float b2, float c2, float r2, float eps,
                 float decay, float step);

/// For each of the `blocks` n x n blocks laid side by side in the rows of `src` (row stride
/// n * blocks): dst_k = (src_k + src_kᵀ) * 0.5, or dst_k += that when `accumulate`. Each element
/// is (s[i][j] + s[j][i]) * 0.5 rounded as written, so the result is exactly symmetric and the
/// same on every `isa`. `src` and `dst` must not overlap.
void symsim_symmetrize_blocks(int isa, long n, long blocks, const float *src, float *dst,
                              int accumulate);

/// One n x n block with its own row strides: dst = (src + srcᵀ) * 0.5 (or dst += that).
void symsim_symmetrize(int isa, long n, const float *src, long lds, float *dst, long ldd, int accumulate);

/// out = relu(x + bias) (or without the bias when it is NULL, without the ReLU when `relu` is 0),
/// row-major m x n, bias a row of n. ReLU maps NaN and -0 to +0. `out` may be `x`.
void symsim_bias_relu(int isa, long m, long n, const float *x, const float *bias, float *out, int relu);

/// v = g where y > 0 else 0 (v = g when `relu` is 0); dz = v unless dz is NULL; colsum[c] = the
/// sum of v over rows, added in row order. `dz` may be `g`.
void symsim_relu_grad_colsum(int isa, long m, long n, const float *g, const float *y, float *dz,
                             float *colsum, int relu);

/// out[r] = x_r·y_r / max(|x_r|·|y_r|, eps) for the m rows of two m x n matrices, with the
/// eight-lane dot products of the Swift tape (see elementwise.c), so any `isa` gives its bits.
void symsim_row_cosine(int isa, long m, long n, const float *x, const float *y, float *out, float eps);

/// The gradient of symsim_row_cosine given the upstream gradient g (m values) and the cosines
/// it returned: written to gx / gy (or added when acc_x / acc_y); either may be NULL.
void symsim_row_cosine_grad(int isa, long m, long n, const float *x, const float *y,
                            const float *cosv, const float *g, float *gx, int acc_x,
                            float *gy, int acc_y, float eps);

#ifdef __cplusplus
}
#endif

#endif
