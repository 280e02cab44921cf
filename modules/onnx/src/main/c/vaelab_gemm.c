/*
 * c += a * b for the shapes of a convolution's weight gradient: a is the output gradient of one
 * image ([M, P]: tens of channels, hundreds of positions), b that image's im2col columns ([P, K],
 * K = kH*kW*C, in cache as they were just written), c the weight gradient ([M, K]). Tiles of
 * 8 rows by 48 columns of c (or fewer where fewer are left) stay in vector registers over the whole
 * of k, each step one broadcast of a per row and one load of b per vector. GCC's generic vectors give AVX-512, AVX2 or
 * SSE code per target_clones. Built with -ffp-contract=fast, unlike vaelab_kernels.c: the
 * multiply-adds fuse (a GEMM's summation order is its own anyway).
 */
#include "vaelab_gemm.h"

typedef float v16 __attribute__((vector_size(64), aligned(4)));

enum { MAX_ROWS = 8, MAX_VECTORS = 3 };

/*
 * c[i..i+rows) x [j..j+16*vectors) += a * b, the tile's accumulators in registers over the whole of
 * k; rows and vectors are constants where it is inlined, so the loops over them unroll.
 */
static inline __attribute__((always_inline)) void tile(int rows, int vectors, int64_t i, int64_t j, int64_t k,
                                                     const float *a, int64_t lda, const float *b, int64_t ldb,
                                                     float *c, int64_t ldc) {
    v16 acc[MAX_ROWS][MAX_VECTORS];
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < vectors; v++) acc[r][v] = (v16){0};
    }
    for (int64_t p = 0; p < k; p++) {
        const v16 *row = (const v16 *)(b + p * ldb + j);
        v16 bv[MAX_VECTORS];
        for (int v = 0; v < vectors; v++) bv[v] = row[v];
        for (int r = 0; r < rows; r++) {
            float ar = a[(i + r) * lda + p];
            for (int v = 0; v < vectors; v++) acc[r][v] += ar * bv[v];
        }
    }
    for (int r = 0; r < rows; r++) {
        v16 *out = (v16 *)(c + (i + r) * ldc + j);
        for (int v = 0; v < vectors; v++) out[v] += acc[r][v];
    }
}

/* One panel of columns [j, j + 16*vectors): tiles of 8 rows, then of 4; returns the rows covered. */
static inline __attribute__((always_inline)) int64_t panel(int vectors, int64_t m, int64_t j, int64_t k,
                                                         const float *a, int64_t lda, const float *b,
                                                         int64_t ldb, float *c, int64_t ldc) {
    int64_t i = 0;
    for (; i + 8 <= m; i += 8) tile(8, vectors, i, j, k, a, lda, b, ldb, c, ldc);
    for (; i + 4 <= m; i += 4) tile(4, vectors, i, j, k, a, lda, b, ldb, c, ldc);
    return i;
}

__attribute__((visibility("hidden"), target_clones("avx512f", "avx2", "default")))
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                     float *c, int64_t ldc) {
    /* panels of 48 columns (8 x 3 = 24 accumulators: 140-148 GFLOP/s on one AVX-512 core against 98-100
       for 4 x 4), then of 32 and 16 (a one-channel layer's 16 taps) */
    int64_t j = 0;
    int64_t covered = m - m % 4;
    for (; j + 48 <= n; j += 48) panel(3, m, j, k, a, lda, b, ldb, c, ldc);
    for (; j + 32 <= n; j += 32) panel(2, m, j, k, a, lda, b, ldb, c, ldc);
    for (; j + 16 <= n; j += 16) panel(1, m, j, k, a, lda, b, ldb, c, ldc);
    /* the edges: rows past the last tile of 4, columns past the last panel of 16 */
    for (int64_t i = 0; i < m; i++) {
        for (int64_t col = i < covered ? j : 0; col < n; col++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += a[i * lda + p] * b[p * ldb + col];
            c[i * ldc + col] += sum;
        }
    }
}
