/*
 * c += a * b for the shapes of a convolution's weight gradient: a is the output gradient of one
 * image ([M, P]: tens of channels, hundreds of positions), b that image's im2col columns ([P, K],
 * K = kH*kW*C, in cache as they were just written), c the weight gradient ([M, K]). Tiles of c
 * stay in vector registers over the whole of k, each step one broadcast of a per row and one load
 * of b per vector (GCC's generic vectors, compiled per instruction set and chosen at run time).
 * Built with -ffp-contract=fast, unlike vaelab_kernels.c: the multiply-adds fuse (a GEMM's summation
 * order is its own anyway).
 */
#include "vaelab_gemm.h"

/*
 * One GEMM per instruction set, each with the tile that fits its vector registers: AVX-512 (32
 * registers of 16 floats) 8 rows by 3 vectors, 24 accumulators, and 16 rows in panels of one vector
 * (a one-channel layer's 16 taps: 16 independent chains keep both multiply-add units busy where 8 left
 * them waiting on latency, 1.3-1.4x on the 64x64 first layer's product); AVX2 (16 registers of 8 floats) 6
 * rows by 2 vectors, 12 accumulators, the usual AVX2 micro-kernel; SSE (16 registers of 4 floats) 4
 * rows by 2 vectors. A tile too large for the registers spills them on every step: the AVX-512
 * tile compiled for AVX2 ran at 2 GFLOP/s.
 */
/*
 * Row i of a: at a + i*lda, its values one float apart; or, for a in NCHWc blocks of a_block rows
 * ([rows/a_block, k, a_block]: a channel block's k positions, each the block's rows side by side, as
 * ORT's NCHWc kernels write a map), at a + (i/a_block)*lda*a_block + i%a_block, its values a_block apart.
 */
static inline const float *a_row(const float *a, int64_t lda, int64_t a_block, int64_t i) {
    return a_block > 0 ? a + (i / a_block) * lda * a_block + i % a_block : a + i * lda;
}

#define DEFINE_GEMM(NAME, TARGET, LANES, ROWS, VECTORS, TALL)                                                  \
    typedef float NAME##_vec __attribute__((vector_size(4 * LANES), aligned(4)));                             \
    __attribute__((target(TARGET), always_inline)) static inline void NAME##_tile(                            \
        int rows, int vectors, int64_t i, int64_t j, int64_t k, const float *a, int64_t lda, int64_t a_block,  \
        const float *b, int64_t ldb, float *c, int64_t ldc) {                                                  \
        NAME##_vec acc[TALL > ROWS ? TALL : ROWS][VECTORS];                                                    \
        const float *arow[TALL > ROWS ? TALL : ROWS];                                                          \
        const int64_t step = a_block > 0 ? a_block : 1;                                                        \
        for (int r = 0; r < rows; r++) arow[r] = a_row(a, lda, a_block, i + r);                                \
        for (int r = 0; r < rows; r++) {                                                                       \
            for (int v = 0; v < vectors; v++) acc[r][v] = (NAME##_vec){0};                                     \
        }                                                                                                      \
        for (int64_t p = 0; p < k; p++) {                                                                      \
            const NAME##_vec *row = (const NAME##_vec *)(b + p * ldb + j);                                     \
            NAME##_vec bv[VECTORS];                                                                            \
            for (int v = 0; v < vectors; v++) bv[v] = row[v];                                                  \
            for (int r = 0; r < rows; r++) {                                                                   \
                float ar = arow[r][p * step];                                                                  \
                for (int v = 0; v < vectors; v++) acc[r][v] += ar * bv[v];                                     \
            }                                                                                                  \
        }                                                                                                      \
        for (int r = 0; r < rows; r++) {                                                                       \
            NAME##_vec *out = (NAME##_vec *)(c + (i + r) * ldc + j);                                           \
            for (int v = 0; v < vectors; v++) out[v] += acc[r][v];                                             \
        }                                                                                                      \
    }                                                                                                          \
    /* panels of VECTORS vectors of columns, then of 2, then of 1; tiles of ROWS rows (TALL in panels of  \
       one vector, where a broadcast feeds a single multiply-add and more rows keep more of them in flight), \
       then of 1 */                                                                                            \
    __attribute__((target(TARGET))) static int64_t NAME(int64_t m, int64_t n, int64_t k, const float *a,        \
                                                        int64_t lda, int64_t a_block, const float *b,           \
                                                        int64_t ldb, float *c, int64_t ldc) {                   \
        int64_t j = 0;                                                                                         \
        for (; j + VECTORS * LANES <= n; j += VECTORS * LANES) {                                               \
            int64_t i = 0;                                                                                     \
            for (; i + ROWS <= m; i += ROWS) NAME##_tile(ROWS, VECTORS, i, j, k, a, lda, a_block, b, ldb, c, ldc);      \
            for (; i < m; i++) NAME##_tile(1, VECTORS, i, j, k, a, lda, a_block, b, ldb, c, ldc);                       \
        }                                                                                                      \
        for (; VECTORS > 2 && j + 2 * LANES <= n; j += 2 * LANES) {                                            \
            int64_t i = 0;                                                                                     \
            for (; i + ROWS <= m; i += ROWS) NAME##_tile(ROWS, 2, i, j, k, a, lda, a_block, b, ldb, c, ldc);            \
            for (; i < m; i++) NAME##_tile(1, 2, i, j, k, a, lda, a_block, b, ldb, c, ldc);                             \
        }                                                                                                      \
        for (; j + LANES <= n; j += LANES) {                                                                   \
            int64_t i = 0;                                                                                     \
            for (; i + TALL <= m; i += TALL) NAME##_tile(TALL, 1, i, j, k, a, lda, a_block, b, ldb, c, ldc);            \
            for (; i + ROWS <= m; i += ROWS) NAME##_tile(ROWS, 1, i, j, k, a, lda, a_block, b, ldb, c, ldc);            \
            for (; i < m; i++) NAME##_tile(1, 1, i, j, k, a, lda, a_block, b, ldb, c, ldc);                             \
        }                                                                                                      \
        return j;                                                                                              \
    }

DEFINE_GEMM(gemm_avx512, "avx512f", 16, 8, 3, 16)
DEFINE_GEMM(gemm_avx2, "avx2,fma", 8, 6, 2, 6)
DEFINE_GEMM(gemm_sse, "sse2", 4, 4, 2, 4)

/*
 * c = a * b where a [m x k] lies in NCHWc blocks along k: a map [k/kb, m, kb] read as [positions, channels]
 * (vaelab_kernels.c's FewChannelDeconv: every input pixel's contribution to each tap is its channels times
 * the filter rows). Tiles of ROWS rows by one vector: per channel one load of b and ROWS broadcasts, the
 * rows' accumulators over all of k (every block) before one store; the columns past the last whole vector
 * by plain sums.
 */
#define DEFINE_KBLOCKED(NAME, TARGET, LANES, ROWS)                                                              \
    typedef float NAME##_vec __attribute__((vector_size(4 * LANES), aligned(4)));                             \
    __attribute__((target(TARGET), always_inline)) static inline void NAME##_tile(                            \
        int rows, int64_t i, int64_t j, int64_t k, const float *a, int64_t m, int64_t kb, const float *b,      \
        int64_t ldb, float *c, int64_t ldc) {                                                                  \
        NAME##_vec acc[ROWS];                                                                                  \
        for (int r = 0; r < rows; r++) acc[r] = (NAME##_vec){0};                                               \
        for (int64_t p0 = 0; p0 < k; p0 += kb) {                                                               \
            const float *block = a + (p0 / kb) * m * kb + i * kb;                                              \
            for (int64_t q = 0; q < kb; q++) {                                                                 \
                const NAME##_vec bv = *(const NAME##_vec *)(b + (p0 + q) * ldb + j);                           \
                for (int r = 0; r < rows; r++) acc[r] += block[r * kb + q] * bv;                               \
            }                                                                                                  \
        }                                                                                                      \
        for (int r = 0; r < rows; r++) *(NAME##_vec *)(c + (i + r) * ldc + j) = acc[r];                        \
    }                                                                                                          \
    __attribute__((target(TARGET))) static int64_t NAME(int64_t m, int64_t n, int64_t k, const float *a,        \
                                                        int64_t kb, const float *b, int64_t ldb, float *c,      \
                                                        int64_t ldc) {                                          \
        int64_t j = 0;                                                                                         \
        for (; j + LANES <= n; j += LANES) {                                                                   \
            int64_t i = 0;                                                                                     \
            for (; i + ROWS <= m; i += ROWS) NAME##_tile(ROWS, i, j, k, a, m, kb, b, ldb, c, ldc);             \
            for (; i < m; i++) NAME##_tile(1, i, j, k, a, m, kb, b, ldb, c, ldc);                              \
        }                                                                                                      \
        return j;                                                                                              \
    }

DEFINE_KBLOCKED(kblocked_avx512, "avx512f", 16, 16)
DEFINE_KBLOCKED(kblocked_avx2, "avx2,fma", 8, 12)
DEFINE_KBLOCKED(kblocked_sse, "sse2", 4, 12)

__attribute__((visibility("hidden")))
void vaelab_gemm_kblocked(int64_t m, int64_t n, int64_t k, const float *a, int64_t kb, const float *b, int64_t ldb,
                          float *c, int64_t ldc) {
    int64_t covered;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        covered = kblocked_avx512(m, n, k, a, kb, b, ldb, c, ldc);
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        covered = kblocked_avx2(m, n, k, a, kb, b, ldb, c, ldc);
    } else {
        covered = kblocked_sse(m, n, k, a, kb, b, ldb, c, ldc);
    }
    for (int64_t i = 0; i < m; i++) {
        for (int64_t col = covered; col < n; col++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += a[(p / kb) * m * kb + i * kb + p % kb] * b[p * ldb + col];
            c[i * ldc + col] = sum;
        }
    }
}

__attribute__((visibility("hidden")))
void vaelab_gemm_acc(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int64_t a_block, const float *b,
                     int64_t ldb, float *c, int64_t ldc) {
    int64_t covered;
    /* GCC fills in its CPU model from a constructor; asking again here does not depend on the order in
       which a loader runs the constructors of this library and its callers (and costs a few instructions) */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        covered = gemm_avx512(m, n, k, a, lda, a_block, b, ldb, c, ldc);
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        covered = gemm_avx2(m, n, k, a, lda, a_block, b, ldb, c, ldc);
    } else {
        covered = gemm_sse(m, n, k, a, lda, a_block, b, ldb, c, ldc);
    }
    /* the columns past the last whole vector */
    const int64_t step = a_block > 0 ? a_block : 1;
    for (int64_t i = 0; i < m; i++) {
        const float *row = a_row(a, lda, a_block, i);
        for (int64_t col = covered; col < n; col++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++) sum += row[p * step] * b[p * ldb + col];
            c[i * ldc + col] += sum;
        }
    }
}

/*
 * out = (a b) * (mask > 0 ? 1 : 0) and sums[lane] += out's values row after row, a [m, k] row-major, b [k, 16] with
 * rows ldb floats apart, mask and out [m, 16]: a convolution from few channels (a = its im2col columns, k a few
 * dozen) into one NCHWc block of 16 filters, masked by a ReLU gradient on the way (vaelab_kernels.c,
 * FewChannelConvReluGrad). As a GEMM of 16 columns with so short a k the tiles spent their time being set up and
 * stored (a fifth of the FMA rate) and the mask was a second pass; here 8 rows sum in registers over k, one load of
 * b and 8 broadcasts a step, and are masked, stored and summed at once. The products by 1 or 0 are exact, so the
 * sums are those of the values stored, in row order. AVX-512 only; returns 0 (nothing done) without it.
 */
typedef float masked_vec __attribute__((vector_size(64), aligned(4)));

__attribute__((target("avx512f"))) static void masked16(int64_t m, int64_t k, const float *a, const float *b,
                                                        int64_t ldb, const float *mask, float *out, float *sums) {
    masked_vec total = *(const masked_vec *)sums;
    for (int64_t i = 0; i < m; i += 8) {
        const int rows = m - i < 8 ? (int)(m - i) : 8;
        masked_vec acc[8] = {{0}};
        if (rows == 8) {
            for (int64_t t = 0; t < k; t++) {
                const masked_vec bv = *(const masked_vec *)(b + t * ldb);
                for (int r = 0; r < 8; r++) acc[r] += a[(i + r) * k + t] * bv;
            }
        } else {
            for (int64_t t = 0; t < k; t++) {
                const masked_vec bv = *(const masked_vec *)(b + t * ldb);
                for (int r = 0; r < rows; r++) acc[r] += a[(i + r) * k + t] * bv;
            }
        }
        for (int r = 0; r < rows; r++) {
            const int64_t o = (i + r) * 16;
            const masked_vec v = acc[r] * __builtin_convertvector(-(*(const masked_vec *)(mask + o) > 0.0f), masked_vec);
            *(masked_vec *)(out + o) = v;
            total += v;
        }
    }
    *(masked_vec *)sums = total;
}

__attribute__((visibility("hidden")))
int vaelab_gemm_masked16(int64_t m, int64_t k, const float *a, const float *b, int64_t ldb, const float *mask, float *out,
                         float *sums) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) return 0;
    masked16(m, k, a, b, ldb, mask, out, sums);
    return 1;
}

