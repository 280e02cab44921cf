/*
 * Paths of vaelab_kernels.c that an AVX-512 machine's ORT never takes (it makes NCHWc blocks of 16 only), against
 * their definitions, with NaNs, negative zeros and negative values where they matter:
 *   InterleaveReluGrad's row, bit for bit, for blocks of 16, 8 (AVX2's) and 4 (the scalar loop): every output value
 *   is its phase's value times (y > 0 ? 1 : 0) and every lane's sum adds them in position order;
 *   FewChannelConvReluGrad's range for blocks of 16 (vaelab_gemm_masked16) and 8 (a GEMM, then relu_grad_block), one
 *   and three channels: the convolution in double to float rounding, the mask exact, the sums those of the values.
 * Built with the kernels' own flags by the Maven profile that builds the library, in the test phase; it exits 1 on
 * an error.
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
        printf("vaelab_kernels_test: InterleaveReluGrad, block %ld, %ld phases, %ld columns: not the definition's bits\n", (long)b,
               (long)s1, (long)r1n);
        return 1;
    }
    return 0;
}

/* one FewChannelConvReluGrad range over 3 images of c channels, 13x11, 4x4 taps, stride 2, pad 1, 16 filters */
static int check_conv_mask(int64_t c, int64_t block) {
    enum { N = 3, H = 13, W = 11, HO = 7, WO = 6, M = 16, TAPS = 16 };
    static float x[N * 3 * H * W], w[M * 3 * TAPS], y[N * M * HO * WO], dx[N * M * HO * WO];
    unsigned state = (unsigned)(c * 31 + block);
    for (int64_t i = 0; i < N * c * H * W; i++) x[i] = value(&state, 0);
    for (int64_t i = 0; i < M * c * TAPS; i++) w[i] = value(&state, 0);
    for (int64_t i = 0; i < N * M * HO * WO; i++) y[i] = value(&state, 1);
    ConvMaskWork work = {.x = x, .w = w, .mask = y, .dx = dx, .images = N, .ranges = 1, .channels = c, .height = H,
                         .width = W, .filters = M, .block = block, .g = {4, 4, 2, 2, 1, 1, 1, 1, HO, WO}};
    conv_mask_range(&work, 0);
    if (work.partial[0] == NULL) return 1;
    int errors = 0;
    double sums[M] = {0};
    for (int64_t n = 0; n < N; n++) {
        for (int64_t f = 0; f < M; f++) {
            for (int64_t p = 0; p < HO * WO; p++) {
                double conv = 0, magnitude = 0;
                for (int64_t ch = 0; ch < c; ch++) {
                    for (int64_t t = 0; t < TAPS; t++) {
                        const int64_t row = 2 * (p / WO) + t / 4 - 1, col = 2 * (p % WO) + t % 4 - 1;
                        if (row < 0 || row >= H || col < 0 || col >= W) continue;
                        const double term = (double)x[((n * c + ch) * H + row) * W + col] * w[(f * c + ch) * TAPS + t];
                        conv += term;
                        magnitude += fabs(term);
                    }
                }
                /* blocked like y: [N, M/B, HO*WO, B] */
                const int64_t at = ((n * (M / block) + f / block) * HO * WO + p) * block + f % block;
                const float got = dx[at];
                const int on = y[at] > 0.0f;
                if (on ? fabs(got - conv) > 1e-5 * magnitude + 1e-6 : !(got == 0.0f)) errors++;
                sums[f] += got;
            }
        }
    }
    for (int64_t f = 0; f < M; f++) {
        if (fabs(work.partial[0][f] - sums[f]) > 1e-4 * (1 + fabs(sums[f]))) errors++;
    }
    free(work.partial[0]);
    if (errors) {
        printf("vaelab_kernels_test: FewChannelConvReluGrad, %ld channels in blocks of %ld: %d values off\n", (long)c,
               (long)block, errors);
    }
    return errors != 0;
}

int main(void) {
    int conv_errors = 0, row_errors = 0;
    for (int64_t c = 1; c <= 3; c += 2) {
        conv_errors += check_conv_mask(c, 16);
        conv_errors += check_conv_mask(c, 8);
    }
    printf("vaelab_kernels_test: FewChannelConvReluGrad in blocks of 16 and 8, 1 and 3 channels: %s\n",
           conv_errors ? "errors" : "ok");
    const int64_t blocks[] = {16, 8, 4};
    for (int i = 0; i < 3; i++) {
        for (int64_t s1 = 1; s1 <= 4; s1++) {
            for (int64_t r1n = 1; r1n <= 8; r1n += 7) row_errors += check(blocks[i], s1, r1n);
        }
    }
    printf("vaelab_kernels_test: InterleaveReluGrad's rows in blocks of 16, 8 and 4: %s\n", row_errors ? "errors" : "ok");
    return conv_errors + row_errors ? 1 : 0;
}
