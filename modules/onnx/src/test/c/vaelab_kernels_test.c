/*
 * Paths of vaelab_kernels.c that an AVX-512 machine's ORT never takes (it makes NCHWc blocks of 16 only), against
 * their definitions, with NaNs, negative zeros and negative values where they matter:
 *   InterleaveReluGrad's row, bit for bit, for blocks of 16, 8 (AVX2's) and 4 (the scalar loop): every output value
 *   is its phase's value times (y > 0 ? 1 : 0) and every lane's sum adds them in position order;
 *   FewChannelConvReluGrad's range for blocks of 16 (vaelab_gemm_masked16) and 8 (a GEMM, then relu_grad_block), one
 *   and three channels: the convolution in double to float rounding, the mask exact, the sums those of the values;
 *   the im2col columns of an image in blocks of 16 and 8 (ConvWeightGrad's), in the blocks' order, against those of
 *   the same image in NCHW, value for value, with padded edges, unequal strides and dilated taps (which NCHWc
 *   convolutions never have, a weight gradient reading a blocked map may).
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

/* the columns of a 32-channel image in blocks of b against the NCHW columns, reordered [P, C/b, kH, kW, b] */
static int check_blocked_columns(int64_t b, const int64_t *g) {
    enum { C = 32, H = 13, W = 11 };
    const int64_t taps = g[0] * g[1], positions = g[8] * g[9], width = taps * C;
    static float nchw[C * H * W], blocked[C * H * W], last[C * H * W];
    float *plain = malloc(sizeof(float) * (size_t)(positions * width));
    float *ordered = malloc(sizeof(float) * (size_t)(positions * width));
    if (plain == NULL || ordered == NULL) return 1;
    unsigned state = (unsigned)(b + g[4] * 3);
    for (int64_t i = 0; i < C * H * W; i++) nchw[i] = value(&state, 1);
    for (int64_t ch = 0; ch < C; ch++) {
        for (int64_t at = 0; at < H * W; at++) blocked[((ch / b) * H * W + at) * b + ch % b] = nchw[ch * H * W + at];
    }
    im2col_into(nchw, C, H, W, g, 0, last, plain);
    im2col_into(blocked, C, H, W, g, b, last, ordered);
    int errors = 0;
    for (int64_t p = 0; p < positions; p++) {
        for (int64_t t = 0; t < taps; t++) {
            for (int64_t ch = 0; ch < C; ch++) {
                const float want = plain[p * width + t * C + ch];
                const float got = ordered[p * width + ((ch / b) * taps + t) * b + ch % b];
                if (memcmp(&want, &got, sizeof want) != 0) errors++;
            }
        }
    }
    free(plain);
    free(ordered);
    if (errors) printf("vaelab_kernels_test: blocked columns, blocks of %ld, dilation %ld: %d values off\n", (long)b, (long)g[4], errors);
    return errors != 0;
}

/*
 * AdamStepInPlace's update against AdamStep's, bit for bit: the same parameter and moments updated in place by
 * adam_in_place and into new arrays by adam() and adam_streaming (AVX-512's, for large parameters), over lengths that
 * leave every vector tail, with zero, large and tiny gradients and a second update on the results of the first.
 */
static int check_adam_in_place(size_t n) {
    float *p = malloc(n * sizeof *p), *g = malloc(n * sizeof *g), *m = malloc(n * sizeof *m), *w = malloc(n * sizeof *w);
    float *p1 = aligned_alloc(64, (n + 16) * sizeof *p1), *m1 = aligned_alloc(64, (n + 16) * sizeof *m1);
    float *w1 = aligned_alloc(64, (n + 16) * sizeof *w1);
    unsigned state = (unsigned)n;
    for (size_t i = 0; i < n; i++) {
        p[i] = value(&state, 0);
        g[i] = i % 7 == 0 ? 0.0f : i % 11 == 0 ? value(&state, 0) * 1e20f : value(&state, 0) * 1e-20f * (float)(i % 2);
        if (i % 3 == 0) g[i] = value(&state, 0);
        m[i] = value(&state, 0) * 0.1f;
        w[i] = fabsf(value(&state, 0)) * 0.01f;
    }
    int errors = 0;
    for (int update = 0; update < 2; update++) {
        const float beta1 = 0.9f, beta2 = 0.999f, step = -1e-3f * (float)(update + 1), eps = 1e-8f;
        if (update == 0) {
            adam(n, p, g, m, w, p1, m1, w1, beta1, beta2, step, eps);
        } else {
            __builtin_cpu_init();
            if (__builtin_cpu_supports("avx512f")) {
                adam_streaming(n, p, g, m, w, p1, m1, w1, beta1, beta2, step, eps);
            } else {
                adam(n, p, g, m, w, p1, m1, w1, beta1, beta2, step, eps);
            }
        }
        adam_in_place(n, p, g, m, w, beta1, beta2, step, eps);
        errors += memcmp(p, p1, n * sizeof *p) != 0;
        errors += memcmp(m, m1, n * sizeof *m) != 0;
        errors += memcmp(w, w1, n * sizeof *w) != 0;
    }
    free(p);
    free(g);
    free(m);
    free(w);
    free(p1);
    free(m1);
    free(w1);
    if (errors) printf("vaelab_kernels_test: AdamStepInPlace, %zu values: %d arrays differ from AdamStep's\n", n, errors);
    return errors;
}

int main(void) {
    int conv_errors = 0, row_errors = 0, column_errors = 0, adam_errors = 0;
    const size_t adam_sizes[] = {1, 15, 16, 17, 1000, 65537};
    for (int i = 0; i < 6; i++) adam_errors += check_adam_in_place(adam_sizes[i]);
    printf("vaelab_kernels_test: AdamStepInPlace against AdamStep, bit for bit: %s\n", adam_errors ? "errors" : "ok");
    /* 4x4 taps, stride 2, pad 1 (the zoo's); 3x3 taps, strides 1 and 2, dilation 2, pads 2 and 1 */
    const int64_t zoo[10] = {4, 4, 2, 2, 1, 1, 1, 1, 7, 6}, dilated[10] = {3, 3, 1, 2, 2, 2, 2, 1, 13, 6};
    for (int64_t b = 8; b <= 16; b += 8) {
        column_errors += check_blocked_columns(b, zoo);
        column_errors += check_blocked_columns(b, dilated);
    }
    printf("vaelab_kernels_test: im2col columns of blocked images, blocks of 16 and 8: %s\n", column_errors ? "errors" : "ok");
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
    return conv_errors + row_errors + column_errors + adam_errors ? 1 : 0;
}
