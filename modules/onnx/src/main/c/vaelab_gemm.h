/* The small GEMM behind vaelab's fused convolution weight gradient (vaelab_kernels.c). */
#ifndef VAELAB_GEMM_H
#define VAELAB_GEMM_H
#include <stdint.h>

/* c[m x n] += a[m x k] * b[k x n]; rows of a, b and c lie lda, ldb and ldc floats apart */
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                     float *c, int64_t ldc);

#endif
