/*
 * c += a * b for the shapes of a convolution's weight gradient: a is the output gradient of one
 * image ([M, P]: tens of channels, hundreds of positions), b that image's im2col columns ([P, K],
 * K = kH*kW*C, in cache as they were just written), c the weight gradient ([M, K]). Tiles of
 * 4 rows by 64 columns of c stay in 16 vector registers over the whole of k, each step one
 * broadcast of a per row and one load of b per vector. GCC's generic vectors give AVX-512, AVX2 or
 * SSE code per target_clones. Built with -ffp-contract=fast, unlike vaelab_kernels.c: the
 * multiply-adds fuse (a GEMM's summation order is its own anyway).
 */
#include "vaelab_gemm.h"

typedef float v16 __attribute__((vector_size(64), aligned(4)));

enum { ROWS = 4, VECTORS = 4, COLUMNS = 16 * VECTORS };

__attribute__((visibility("hidden"), target_clones("avx512f", "avx2", "default")))
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                     float *c, int64_t ldc) {
    int64_t full_rows = m - m % ROWS;
    int64_t full_columns = n - n % COLUMNS;
    for (int64_t j = 0; j < full_columns; j += COLUMNS) {
        for (int64_t i = 0; i < full_rows; i += ROWS) {
            v16 acc[ROWS][VECTORS];
            for (int r = 0; r < ROWS; r++) {
                for (int v = 0; v < VECTORS; v++) acc[r][v] = (v16){0};
            }
            for (int64_t p = 0; p < k; p++) {
                const v16 *row = (const v16 *)(b + p * ldb + j);
                v16 b0 = row[0], b1 = row[1], b2 = row[2], b3 = row[3];
                for (int r = 0; r < ROWS; r++) {
                    float ar = a[(i + r) * lda + p];
                    acc[r][0] += ar * b0;
                    acc[r][1] += ar * b1;
                    acc[r][2] += ar * b2;
                    acc[r][3] += ar * b3;
                }
            }
            for (int r = 0; r < ROWS; r++) {
                v16 *out = (v16 *)(c + (i + r) * ldc + j);
                for (int v = 0; v < VECTORS; v++) out[v] += acc[r][v];
            }
        }
    }
    /* the edges: rows past the last full tile of rows, columns past the last full tile of columns */
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = i < full_rows ? full_columns : 0; j < n; j++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += a[i * lda + p] * b[p * ldb + j];
            c[i * ldc + j] += sum;
        }
    }
}
