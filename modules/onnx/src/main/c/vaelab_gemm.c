/*
 * c += a * b for the shapes of a convolution's weight gradient: a is the output gradient of one
 * image ([M, P]: tens of channels, hundreds of positions), b that image's im2col columns ([P, K],
 * K = kH*kW*C, in cache as they were just written), c the weight gradient ([M, K]). Tiles of
 * 4 rows by 64 columns of c (or by 16 where fewer are left) stay in vector registers over the whole
 * of k, each step one broadcast of a per row and one load of b per vector. GCC's generic vectors give AVX-512, AVX2 or
 * SSE code per target_clones. Built with -ffp-contract=fast, unlike vaelab_kernels.c: the
 * multiply-adds fuse (a GEMM's summation order is its own anyway).
 */
#include "vaelab_gemm.h"

typedef float v16 __attribute__((vector_size(64), aligned(4)));

enum { ROWS = 4, VECTORS = 4, COLUMNS = 16 * VECTORS };

/* c[i..i+ROWS) x [j..j+16*vectors) += a * b, the tile's accumulators in registers over the whole of k */
static inline __attribute__((always_inline)) void tile(int vectors, int64_t i, int64_t j, int64_t k, const float *a,
                                                     int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc) {
    v16 acc[ROWS][VECTORS];
    for (int r = 0; r < ROWS; r++) {
        for (int v = 0; v < VECTORS; v++) acc[r][v] = (v16){0};
    }
    for (int64_t p = 0; p < k; p++) {
        const v16 *row = (const v16 *)(b + p * ldb + j);
        v16 bv[VECTORS];
        for (int v = 0; v < vectors; v++) bv[v] = row[v];
        for (int r = 0; r < ROWS; r++) {
            float ar = a[(i + r) * lda + p];
            for (int v = 0; v < vectors; v++) acc[r][v] += ar * bv[v];
        }
    }
    for (int r = 0; r < ROWS; r++) {
        v16 *out = (v16 *)(c + (i + r) * ldc + j);
        for (int v = 0; v < vectors; v++) out[v] += acc[r][v];
    }
}

__attribute__((visibility("hidden"), target_clones("avx512f", "avx2", "default")))
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                     float *c, int64_t ldc) {
    int64_t full_rows = m - m % ROWS;
    int64_t wide = n - n % COLUMNS;     /* tiles of 64 columns */
    int64_t narrow = n - n % 16;        /* then of 16 (a first layer's 16 taps of one channel) */
    for (int64_t i = 0; i < full_rows; i += ROWS) {
        for (int64_t j = 0; j < wide; j += COLUMNS) tile(VECTORS, i, j, k, a, lda, b, ldb, c, ldc);
        for (int64_t j = wide; j < narrow; j += 16) tile(1, i, j, k, a, lda, b, ldb, c, ldc);
    }
    /* the edges: rows past the last full tile of rows, columns past the last tile of 16 */
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = i < full_rows ? narrow : 0; j < n; j++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += a[i * lda + p] * b[p * ldb + j];
            c[i * ldc + j] += sum;
        }
    }
}
