/*
 * InterleaveReluGrad's row (vaelab_kernels.c) against its definition, bit for bit, for blocks of 16 (AVX-512's
 * NCHWc), 8 (AVX2's; this machine's ORT never makes them, so only this test runs that path) and 4 (the scalar loop):
 * every output value is its phase's value times (y > 0 ? 1 : 0) and every lane's sum adds them in position order,
 * with NaNs, negative zeros and negative values in both operands. Built with the kernels' own flags by the Maven
 * profile that builds the library, in the test phase; it exits 1 on an error.
 */
#include "../../main/c/vaelab_kernels.c"

#include <stdio.h>

static float value(unsigned *state, int special) {
    *state = *state * 1664525u + 1013904223u;
    const unsigned r = *state >> 8;
    if (special && r % 17 == 0) return r % 2 ? NAN : -0.0f;
    return (float)((int)(r % 2001) - 1000) / 250.0f;
}

static int check(int64_t b, int64_t s1, int64_t r1n) {
    enum { MAX = 2 * 4 * 16 * 8 };
    const int64_t row = s1 * r1n * b;
    float phase[4][MAX], mask[MAX], dx[MAX], want[MAX], sums[16], want_sums[16];
    const float *phases[4];
    unsigned state = (unsigned)(b * 131 + s1 * 7 + r1n);
    for (int64_t pw = 0; pw < s1; pw++) {
        for (int64_t i = 0; i < r1n * b; i++) phase[pw][i] = value(&state, 1);
        phases[pw] = phase[pw];
    }
    for (int64_t i = 0; i < row; i++) mask[i] = value(&state, 1);
    for (int64_t k = 0; k < b; k++) sums[k] = want_sums[k] = value(&state, 0);
    for (int64_t r1 = 0; r1 < r1n; r1++) {
        for (int64_t pw = 0; pw < s1; pw++) {
            for (int64_t k = 0; k < b; k++) {
                const int64_t o = (s1 * r1 + pw) * b + k;
                want[o] = phase[pw][r1 * b + k] * (float)(mask[o] > 0.0f);
                want_sums[k] += want[o];
            }
        }
    }
    interleave_grad_row(b, s1, r1n, phases, mask, dx, sums);
    if (memcmp(dx, want, sizeof(float) * (size_t)row) != 0 || memcmp(sums, want_sums, sizeof(float) * (size_t)b) != 0) {
        printf("vaelab_interleave_test: block %ld, %ld phases, %ld columns: not the definition's bits\n", (long)b,
               (long)s1, (long)r1n);
        return 1;
    }
    return 0;
}

int main(void) {
    int errors = 0;
    const int64_t blocks[] = {16, 8, 4};
    for (int i = 0; i < 3; i++) {
        for (int64_t s1 = 1; s1 <= 4; s1++) {
            for (int64_t r1n = 1; r1n <= 8; r1n += 7) errors += check(blocks[i], s1, r1n);
        }
    }
    printf("vaelab_interleave_test: InterleaveReluGrad's rows in blocks of 16, 8 and 4: %s\n", errors ? "errors" : "ok");
    return errors ? 1 : 0;
}
