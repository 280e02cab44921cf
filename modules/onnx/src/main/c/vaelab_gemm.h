/* The small GEMM behind vaelab's fused convolution weight gradient (vaelab_kernels.c). */
#ifndef VAELAB_GEMM_H
#define VAELAB_GEMM_H
#include <stdint.h>

/*
 * c[m x n] += a[m x k] * b[k x n]; rows of b and c lie ldb and ldc floats apart, rows of a lda apart, or
 * (a_block > 0) a is in NCHWc blocks of a_block rows, [m/a_block, lda, a_block] (vaelab_gemm.c, a_row)
 */
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int64_t a_block, const float *b,
                     int64_t ldb, float *c, int64_t ldc);

/*
 * c[m x n] = a[m x k] * b[k x n] (overwritten), a in NCHWc blocks along k, [k/kb, m, kb] (a map read as
 * [positions, channels]); k a multiple of kb; rows of b and c ldb and ldc floats apart
 */
void vaelab_gemm_kblocked(int64_t m, int64_t n, int64_t k, const float *a, int64_t kb, const float *b, int64_t ldb,
                          float *c, int64_t ldc);

/*
 * out = (a b) * (mask > 0), a [m x k], b [k x 16] (rows ldb apart), mask and out [m x 16], and sums[lane] += out's
 * values in row order (vaelab_gemm.c). Returns 1, or 0 (nothing done) on a CPU without AVX-512
 */
int vaelab_gemm_masked16(int64_t m, int64_t k, const float *a, const float *b, int64_t ldb, const float *mask, float *out,
                         float *sums);

#endif
