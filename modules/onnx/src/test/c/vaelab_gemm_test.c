/*
 * The weight-gradient GEMM of every instruction set it is built for (vaelab_gemm.c), each against a
 * double-precision product, on shapes with edges in both directions. This CPU runs the ones it has
 * (an AVX-512 machine runs all three); a version it lacks is reported and skipped. The Maven profile
 * that builds the library runs this in the test phase; it exits 1 on an error.
 */
#include "../../main/c/vaelab_gemm.c"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef int64_t (*Gemm)(int64_t, int64_t, int64_t, const float *, int64_t, int64_t, const float *, int64_t, float *,
                        int64_t);

/* c += a * b through one version, a as given (NCHW rows, or blocks), its uncovered columns by the scalar edge */
static void product(Gemm gemm, int64_t m, int64_t n, int64_t k, const float *a, int64_t a_block, const float *b,
                    float *c) {
    int64_t covered = gemm(m, n, k, a, k, a_block, b, n, c, n);
    for (int64_t i = 0; i < m; i++) {
        const float *row = a_row(a, k, a_block, i);
        for (int64_t col = covered; col < n; col++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += row[p * (a_block > 0 ? a_block : 1)] * b[p * n + col];
            c[i * n + col] += sum;
        }
    }
}

/*
 * The largest error relative to the sum of the terms' magnitudes (what float rounding scales with),
 * with a handed to the GEMM as rows or (a_block > 0) in NCHWc blocks of a_block rows, [m/a_block, k, a_block]
 */
static double worst_error(Gemm gemm, int64_t m, int64_t n, int64_t k, int64_t a_block) {
    float *a = malloc(sizeof(float) * (size_t)(m * k));
    float *blocks = malloc(sizeof(float) * (size_t)(m * k));
    float *b = malloc(sizeof(float) * (size_t)(k * n));
    float *c = malloc(sizeof(float) * (size_t)(m * n));
    for (int64_t i = 0; i < m * k; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int64_t i = 0; i < k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int64_t i = 0; i < m * n; i++) c[i] = 1.0f; /* accumulates into what is there */
    for (int64_t i = 0; a_block > 0 && i < m; i++) {
        for (int64_t p = 0; p < k; p++) blocks[((i / a_block) * k + p) * a_block + i % a_block] = a[i * k + p];
    }
    product(gemm, m, n, k, a_block > 0 ? blocks : a, a_block, b, c);
    double worst = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) {
            double want = 1.0, magnitude = 1.0;
            for (int64_t p = 0; p < k; p++) {
                double term = (double)a[i * k + p] * b[p * n + j];
                want += term;
                magnitude += fabs(term);
            }
            double error = fabs(want - c[i * n + j]) / magnitude;
            if (error > worst) worst = error;
        }
    }
    free(a);
    free(blocks);
    free(b);
    free(c);
    return worst;
}

int main(void) {
    __builtin_cpu_init();
    struct { const char *name; int supported; Gemm gemm; } versions[] = {
        {"avx512", __builtin_cpu_supports("avx512f"), gemm_avx512},
        {"avx2", __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), gemm_avx2},
        {"sse", __builtin_cpu_supports("sse2"), gemm_sse}};
    /* the Burgess and MNIST conv layers, a one-channel layer, and rows and columns past every tile (83
       columns: a panel of 3 vectors, one of 2, then single columns, on AVX-512) */
    int64_t shapes[][3] = {{32, 512, 256}, {64, 512, 49}, {32, 16, 1024}, {24, 27, 30},
                           {20, 288, 9}, {5, 100, 7}, {3, 16, 5}, {7, 3, 4}, {13, 83, 33}};
    /* a in NCHWc blocks (a blocked output gradient): blocks of 16 and 8 rows, tiles that cross them */
    int64_t blocked[][4] = {{32, 512, 256, 16}, {32, 16, 1024, 16}, {16, 83, 33, 8}, {24, 27, 30, 8}, {32, 100, 7, 4}};
    int failed = 0;
    srand(7);
    for (int v = 0; v < 3; v++) {
        if (!versions[v].supported) {
            printf("vaelab_gemm_test: %s skipped, this CPU lacks it\n", versions[v].name);
            continue;
        }
        double worst = 0;
        const int plain = (int)(sizeof shapes / sizeof shapes[0]), count = plain + (int)(sizeof blocked / sizeof blocked[0]);
        for (int s = 0; s < count; s++) {
            const int64_t *shape = s < plain ? shapes[s] : blocked[s - plain];
            double error = worst_error(versions[v].gemm, shape[0], shape[1], shape[2], s < plain ? 0 : shape[3]);
            if (error > worst) worst = error;
        }
        int ok = worst < 1e-5;
        printf("vaelab_gemm_test: %s largest relative error %.2e over %d shapes: %s\n", versions[v].name, worst,
               count, ok ? "ok" : "FAILED");
        failed |= !ok;
    }
    return failed;
}
