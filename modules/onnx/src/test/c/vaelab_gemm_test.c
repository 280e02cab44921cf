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

typedef int64_t (*Gemm)(int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *, int64_t);

/* c += a * b through one version, its uncovered columns by the scalar edge as vaelab_gemm_acc does */
static void product(Gemm gemm, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float *c) {
    int64_t covered = gemm(m, n, k, a, k, b, n, c, n);
    for (int64_t i = 0; i < m; i++) {
        for (int64_t col = covered; col < n; col++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + col];
            c[i * n + col] += sum;
        }
    }
}

/* the largest error relative to the sum of the terms' magnitudes (what float rounding scales with) */
static double worst_error(Gemm gemm, int64_t m, int64_t n, int64_t k) {
    float *a = malloc(sizeof(float) * (size_t)(m * k));
    float *b = malloc(sizeof(float) * (size_t)(k * n));
    float *c = malloc(sizeof(float) * (size_t)(m * n));
    for (int64_t i = 0; i < m * k; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int64_t i = 0; i < k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int64_t i = 0; i < m * n; i++) c[i] = 1.0f; /* accumulates into what is there */
    product(gemm, m, n, k, a, b, c);
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
    int failed = 0;
    srand(7);
    for (int v = 0; v < 3; v++) {
        if (!versions[v].supported) {
            printf("vaelab_gemm_test: %s skipped, this CPU lacks it\n", versions[v].name);
            continue;
        }
        double worst = 0;
        const int count = (int)(sizeof shapes / sizeof shapes[0]);
        for (int s = 0; s < count; s++) {
            double error = worst_error(versions[v].gemm, shapes[s][0], shapes[s][1], shapes[s][2]);
            if (error > worst) worst = error;
        }
        int ok = worst < 1e-5;
        printf("vaelab_gemm_test: %s largest relative error %.2e over %d shapes: %s\n", versions[v].name, worst,
               count, ok ? "ok" : "FAILED");
        failed |= !ok;
    }
    return failed;
}
