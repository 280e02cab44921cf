/*
 * vaelab's fused kernels for ONNX Runtime: custom operators of domain "ai.vaelab", registered on a
 * session by ORT's RegisterCustomOpsLibrary (the onnx module's Maven build compiles this library
 * where gcc is; dev.vaelab.onnx.runtime.NativeKernels loads it, OrtEngine registers it on every
 * session, FusedKernels and NchwcConvolutions write the nodes). Each one does in one pass over
 * memory what ORT's stock operators do in several, and computes the same float operations in the
 * same order, so that its results equal theirs bit for bit, but for ConvWeightGrad's sums
 * (FusedKernelsTest checks both):
 *
 *   AdamStep(p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize, epsHat) -> (p'_1..p'_k, m'_1..m'_k, w'_1..w'_k)
 *       m' = m*beta1 + g;  w' = w*beta2 + g*g;  p' = p + stepSize * (m' / (sqrt(w') + epsHat)), every parameter at once
 *       (dev.vaelab.onnx.optim.Adam says why these are PyTorch's Adam; ORT's chain is 10 passes)
 *   AdamStepInPlace(p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize, epsHat) -> token
 *       the same update written over p, m and w themselves (below), the token a scalar 1
 *   ReluGrad(dy, y) -> dy * (y > 0 ? 1 : 0)
 *       (ORT's chain is Greater, Cast and Mul: 3 passes and a byte mask)
 *   ReluGradBias(dy, y; geometry) -> ReluGrad's dx and its sum per channel, a conv's or a dense layer's bias gradient (below;
 *       ORT's chain adds a ReduceSum, a second pass over dx)
 *   InterleavePhases(phases...; geometry) -> a transposed convolution's output from its phases (below),
 *       in NCHW or NCHWc, its ReLU applied or not (ORT's chain is two Concats, a ReorderOutput and a Relu)
 *   InterleaveReluGrad(phases..., y; geometry) -> the same interleave into NCHWc blocks times the ReLU mask of y, and
 *       its sums per channel: a strided convolution's input gradient and ReluGradBias in one pass (below)
 *   ConvWeightGrad(x, dy; geometry) -> a convolution's weight gradient as one GEMM over the batch, either
 *       operand in NCHW or NCHWc (below)
 *   FewChannelDeconv(x, w, bias; geometry) -> a transposed convolution from channel blocks to fewer channels
 *       than a block (below; ORT's generic ConvTranspose reads NCHW only, and slowly)
 *   FewChannelConvReluGrad(x, w, y; geometry) -> a convolution from fewer channels than a block, times the ReLU mask
 *       of y, in blocks, and its sums per channel: a decoder's image layer's input gradient and ReluGradBias in one
 *       (below)
 *   NchwcFilter(w; geometry) -> a convolution's weights as the NCHWc Conv reads them (below; ORT's chain is a
 *       Transpose of six axes or a Gather by a table, a third of a millisecond each)
 *   SigmoidLogLikelihood(l, x) and its gradient SigmoidLogLikelihoodGrad(l, x, dy): the row sums of
 *       x*l - softplus(l) and (x - sigmoid(l))*dy (below; ORT's chains are eleven and four passes). Their
 *       exp is vaelab's own, so these two equal their lowerings to float rounding, not to the bit.
 *   ChannelSum(x) -> the sums of x [N, C, H, W] per channel, a conv's bias gradient without a ReLU (below)
 *   ByteIntensities(x uint8) -> x / 255 as floats, a batch's pixels (below; ORT's chain is Cast and Div)
 *   ColumnSum(x) -> the sums of x [N, C] over its rows, a dense layer's bias gradient (below; ORT's ReduceSum
 *       over axis 0 is slow), in the rows' order
 *   GaussianSample, GaussianSampleGrad, GaussianKl and GaussianKlGrad: a Gaussian posterior's sample and KL
 *       term and their gradients, from the encoder's [mu | logvar] (below; ORT's chains are about 30 nodes, each
 *       of which costs ORT several microseconds however small). Their exp is vaelab's own (exp_float), so these
 *       equal their lowerings to float rounding.
 *       (ORT's chain makes the im2col columns by a channels-last Transpose, a Pad and a Gather by an
 *       index table, then a Transpose and a MatMul; this one is exact up to summation order)
 *
 * ORT's C API is a table of function pointers to which each release only appends (its ABI
 * promise), and the table a library is given is the one of the version it asks for. This file
 * declares the few slots it uses by their index in that table, and the layout of the custom-op
 * description ORT reads, instead of including ORT's headers: no package that a fresh machine's
 * registries serve ships them. The indices are those of ORT's onnxruntime_c_api.h (API 17 and later).
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaelab_gemm.h"
#include <immintrin.h> /* AdamStep's streaming stores on AVX-512 */

#define API_VERSION 17 /* the first with KernelContext_ParallelFor */

typedef struct OrtStatus OrtStatus;
typedef struct OrtKernelContext OrtKernelContext;
typedef struct OrtKernelInfo OrtKernelInfo;
typedef struct OrtValue OrtValue;
typedef struct OrtTensorTypeAndShapeInfo OrtShapeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtCustomOpDomain OrtCustomOpDomain;
typedef void (*ApiSlot)(void);

typedef struct OrtApiBase {
    const ApiSlot *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} OrtApiBase;

/* indices into OrtApi */
enum {
    SLOT_CREATE_STATUS = 0,
    SLOT_CREATE_CUSTOM_OP_DOMAIN = 26,
    SLOT_CUSTOM_OP_DOMAIN_ADD = 27,
    SLOT_ADD_CUSTOM_OP_DOMAIN = 28,
    SLOT_GET_TENSOR_MUTABLE_DATA = 51,
    SLOT_GET_DIMENSIONS_COUNT = 61,
    SLOT_GET_DIMENSIONS = 62,
    SLOT_GET_TENSOR_SHAPE_ELEMENT_COUNT = 64,
    SLOT_GET_TENSOR_TYPE_AND_SHAPE = 65,
    SLOT_KERNEL_CONTEXT_GET_INPUT_COUNT = 88,
    SLOT_KERNEL_CONTEXT_GET_INPUT = 90,
    SLOT_KERNEL_CONTEXT_GET_OUTPUT = 91,
    SLOT_KERNEL_INFO_GET_ATTRIBUTE_ARRAY_INT64 = 163,
    SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE_INFO = 99,
    SLOT_KERNEL_CONTEXT_PARALLEL_FOR = 274,
};

enum { ELEMENT_FLOAT = 1, ELEMENT_UINT8 = 2 }; /* ONNXTensorElementDataType */
enum { STATUS_INVALID_ARGUMENT = 2, STATUS_FAIL = 1 }; /* OrtErrorCode */
enum { IO_REQUIRED = 0, IO_VARIADIC = 2 }; /* OrtCustomOpInputOutputCharacteristic */
enum { MEMORY_DEFAULT = 0 };      /* OrtMemType */
enum { MAX_RANK = 8 };

typedef OrtStatus *(*CreateStatusFn)(int code, const char *message);
typedef OrtStatus *(*CreateDomainFn)(const char *domain, OrtCustomOpDomain **out);
typedef OrtStatus *(*DomainAddFn)(OrtCustomOpDomain *domain, const void *op);
typedef OrtStatus *(*AddDomainFn)(OrtSessionOptions *options, OrtCustomOpDomain *domain);
typedef OrtStatus *(*MutableDataFn)(OrtValue *value, void **out);
typedef OrtStatus *(*DimsCountFn)(const OrtShapeInfo *info, size_t *out);
typedef OrtStatus *(*DimsFn)(const OrtShapeInfo *info, int64_t *dims, size_t count);
typedef OrtStatus *(*ElementCountFn)(const OrtShapeInfo *info, size_t *out);
typedef OrtStatus *(*TypeAndShapeFn)(const OrtValue *value, OrtShapeInfo **out);
typedef OrtStatus *(*CountFn)(const OrtKernelContext *context, size_t *out);
typedef OrtStatus *(*GetInputFn)(const OrtKernelContext *context, size_t index, const OrtValue **out);
typedef OrtStatus *(*GetOutputFn)(OrtKernelContext *context, size_t index, const int64_t *dims, size_t rank,
                                  OrtValue **out);
typedef void (*ReleaseShapeFn)(OrtShapeInfo *info);
typedef OrtStatus *(*AttributeArrayFn)(const OrtKernelInfo *info, const char *name, int64_t *out, size_t *size);
typedef OrtStatus *(*ParallelForFn)(const OrtKernelContext *context, void (*fn)(void *, size_t), size_t total,
                                    size_t batches, void *data);

static const ApiSlot *api;

#define API(slot, type) ((type)api[slot])
#define TRY(call)                          \
    do {                                   \
        OrtStatus *status_ = (call);       \
        if (status_ != NULL) return status_; \
    } while (0)

struct Kernel;

/* OrtCustomOp: what ORT reads of an operator, in its order (ORT reads the fields of the version given) */
typedef struct CustomOp {
    uint32_t version;
    void *(*CreateKernel)(const struct CustomOp *op, const void *api, const OrtKernelInfo *info);
    const char *(*GetName)(const struct CustomOp *op);
    const char *(*GetExecutionProviderType)(const struct CustomOp *op);
    int (*GetInputType)(const struct CustomOp *op, size_t index);
    size_t (*GetInputTypeCount)(const struct CustomOp *op);
    int (*GetOutputType)(const struct CustomOp *op, size_t index);
    size_t (*GetOutputTypeCount)(const struct CustomOp *op);
    void (*KernelCompute)(void *kernel, OrtKernelContext *context);
    void (*KernelDestroy)(void *kernel);
    int (*GetInputCharacteristic)(const struct CustomOp *op, size_t index);
    int (*GetOutputCharacteristic)(const struct CustomOp *op, size_t index);
    int (*GetInputMemoryType)(const struct CustomOp *op, size_t index);
    int (*GetVariadicInputMinArity)(const struct CustomOp *op);
    int (*GetVariadicInputHomogeneity)(const struct CustomOp *op);
    int (*GetVariadicOutputMinArity)(const struct CustomOp *op);
    int (*GetVariadicOutputHomogeneity)(const struct CustomOp *op);
    OrtStatus *(*CreateKernelV2)(const struct CustomOp *op, const void *api, const OrtKernelInfo *info, void **kernel);
    OrtStatus *(*KernelComputeV2)(void *kernel, OrtKernelContext *context);
    OrtStatus *(*InferOutputShapeFn)(const struct CustomOp *op, void *context);
    int (*GetStartVersion)(const struct CustomOp *op);
    int (*GetEndVersion)(const struct CustomOp *op);
    size_t (*GetMayInplace)(int **inputs, int **outputs);
    void (*ReleaseMayInplace)(int *inputs, int *outputs);
    size_t (*GetAliasMap)(int **inputs, int **outputs);
    void (*ReleaseAliasMap)(int *inputs, int *outputs);
    /* vaelab's own fields, after ORT's */
    const char *name;
    size_t inputs;
    size_t outputs;
    OrtStatus *(*compute)(const struct Kernel *kernel, OrtKernelContext *context);
    size_t geometry; /* how many values of the int64 attribute "geometry" the kernel reads (at most GEOMETRY) */
    int variadic;    /* VARIADIC_INPUTS: the inputs are one variadic list of float tensors; VARIADIC_OUTPUTS: the
                        outputs; BYTES_IN: input 0 is uint8, not float */
} CustomOp;

enum { GEOMETRY = 12 };
enum { VARIADIC_INPUTS = 1, VARIADIC_OUTPUTS = 2, BYTES_IN = 4 /* its one input is uint8 */ };

/* An operator's node in a session: the operator and the node's attributes. */
typedef struct Kernel {
    const CustomOp *op;
    int64_t geometry[GEOMETRY];
} Kernel;

static OrtStatus *fail(int code, const char *message) {
    return API(SLOT_CREATE_STATUS, CreateStatusFn)(code, message);
}

/* A float tensor's data, element count and shape. */
typedef struct {
    float *data;
    size_t count;
    size_t rank;
    int64_t dims[MAX_RANK];
} View;

static OrtStatus *view(const OrtValue *value, View *out) {
    OrtShapeInfo *info;
    TRY(API(SLOT_GET_TENSOR_TYPE_AND_SHAPE, TypeAndShapeFn)(value, &info));
    OrtStatus *status = API(SLOT_GET_TENSOR_SHAPE_ELEMENT_COUNT, ElementCountFn)(info, &out->count);
    if (status == NULL) status = API(SLOT_GET_DIMENSIONS_COUNT, DimsCountFn)(info, &out->rank);
    if (status == NULL && out->rank > MAX_RANK) status = fail(STATUS_INVALID_ARGUMENT, "ai.vaelab: rank above 8");
    if (status == NULL) status = API(SLOT_GET_DIMENSIONS, DimsFn)(info, out->dims, out->rank);
    API(SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE_INFO, ReleaseShapeFn)(info);
    if (status != NULL) return status;
    return API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)((OrtValue *)value, (void **)&out->data);
}

static OrtStatus *input(OrtKernelContext *context, size_t index, View *out) {
    const OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_INPUT, GetInputFn)(context, index, &value));
    return view(value, out);
}

static OrtStatus *output_like(OrtKernelContext *context, size_t index, const View *like, float **out) {
    OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, index, like->dims, like->rank, &value));
    return API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)out);
}

/* Element-wise work in chunks that ORT's intra-op threads share; small tensors stay on this thread. */
enum { CHUNK = 16384 };

typedef struct Work {
    void (*range)(const struct Work *work, size_t begin, size_t end);
    size_t count;
    const float *in[2];
    float *out[1];
} Work;

static void run_chunk(void *data, size_t chunk) {
    const Work *work = data;
    size_t begin = chunk * CHUNK;
    size_t end = begin + CHUNK < work->count ? begin + CHUNK : work->count;
    work->range(work, begin, end);
}

static OrtStatus *run(OrtKernelContext *context, Work *work) {
    size_t chunks = (work->count + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
        work->range(work, 0, work->count);
        return NULL;
    }
    return API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, run_chunk, chunks, 0, work);
}

/* Compiled for AVX-512, AVX2 and plain x86-64; the loader picks the one this CPU runs. */
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/* One value's update: its new moments into *m1 and *w1, its new value returned (adam, adam_in_place, adam_streaming's
   order of operations). */
static inline float adam_value(float p, float g, float m, float w, float *m1, float *w1, float beta1, float beta2,
                               float step, float eps) {
    const float mi = m * beta1 + g;
    const float wi = w * beta2 + g * g;
    *m1 = mi;
    *w1 = wi;
    return p + step * (mi / (sqrtf(wi) + eps));
}

CLONES static void adam(size_t n, const float *restrict p, const float *restrict g, const float *restrict m,
                        const float *restrict w, float *restrict p1, float *restrict m1, float *restrict w1,
                        float beta1, float beta2, float step, float eps) {
    for (size_t i = 0; i < n; i++) p1[i] = adam_value(p[i], g[i], m[i], w[i], &m1[i], &w1[i], beta1, beta2, step, eps);
}

/*
 * adam() with p', m' and w' written over p, m and w: the same float operations in the same order, so the same bits.
 * Each value is read before it is written at the same index, and no other array aliases these three.
 */
CLONES static void adam_in_place(size_t n, float *restrict p, const float *restrict g, float *restrict m,
                                 float *restrict w, float beta1, float beta2, float step, float eps) {
    for (size_t i = 0; i < n; i++) p[i] = adam_value(p[i], g[i], m[i], w[i], &m[i], &w[i], beta1, beta2, step, eps);
}

/*
 * Every parameter's update in one node: inputs p_1..p_k, g_1..g_k, m_1..m_k, w_1..w_k, beta1, beta2, stepSize,
 * epsHat; outputs p'_1..p'_k, m'_1..m'_k, w'_1..w'_k. ORT spends several microseconds on any node, and a net has
 * a dozen or two parameters, most of them small; one node also lets the threads share the small ones' chunks.
 */
typedef struct {
    size_t tensor, begin, end;
    int streaming; /* AVX-512 and a parameter of STREAMED_PARAMETER values or more: adam_streaming */
} AdamPiece;

enum { STREAMED_PARAMETER = 1 << 19 };

typedef struct {
    const float **p, **g, **m, **w;
    float **p1, **m1, **w1; /* p, m and w themselves in place */
    const AdamPiece *pieces;
    float beta1, beta2, step, eps;
    int in_place;
} AdamWork;

/*
 * The same update on AVX-512 with streaming stores, for parameters of STREAMED_PARAMETER values (2 MB) or more:
 * p', m' and w' go to memory without their cache lines being read first (a plain store reads each line it
 * writes). That pays where the step's other traffic evicts them before the next step reads them: the MNIST conv
 * net's two 3136x256 weights (66 MB of update a step) took 15-20% less, its step about 5% less. The MLP's
 * 784x400 weights, whose step is short and small enough for them to stay cached, ran about 4% slower streamed,
 * so parameters below the size keep adam()'s stores. The same float operations in the same order as adam(), so
 * the same bits; an output not aligned to a cache line (ORT's arena aligns them) takes adam()'s stores too.
 */
__attribute__((target("avx512f"))) static void adam_streaming(size_t n, const float *restrict p, const float *restrict g,
                                                              const float *restrict m, const float *restrict w,
                                                              float *restrict p1, float *restrict m1, float *restrict w1,
                                                              float beta1, float beta2, float step, float eps) {
    size_t i = 0;
    if ((uintptr_t)p1 % 64 == 0 && (uintptr_t)m1 % 64 == 0 && (uintptr_t)w1 % 64 == 0) {
        const __m512 b1 = _mm512_set1_ps(beta1), b2 = _mm512_set1_ps(beta2), st = _mm512_set1_ps(step);
        const __m512 ep = _mm512_set1_ps(eps);
        for (; i + 16 <= n; i += 16) {
            const __m512 gi = _mm512_loadu_ps(g + i);
            const __m512 mi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(m + i), b1), gi);
            const __m512 wi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(w + i), b2), _mm512_mul_ps(gi, gi));
            const __m512 ratio = _mm512_div_ps(mi, _mm512_add_ps(_mm512_sqrt_ps(wi), ep));
            _mm512_stream_ps(m1 + i, mi);
            _mm512_stream_ps(w1 + i, wi);
            _mm512_stream_ps(p1 + i, _mm512_add_ps(_mm512_loadu_ps(p + i), _mm512_mul_ps(st, ratio)));
        }
        _mm_sfence(); /* the streamed lines are in memory before ORT's next node reads them on any thread */
    }
    adam(n - i, p + i, g + i, m + i, w + i, p1 + i, m1 + i, w1 + i, beta1, beta2, step, eps);
}

static void adam_piece(void *data, size_t index) {
    const AdamWork *work = data;
    const AdamPiece *piece = &work->pieces[index];
    const size_t t = piece->tensor, b = piece->begin;
    if (work->in_place) {
        adam_in_place(piece->end - b, work->p1[t] + b, work->g[t] + b, work->m1[t] + b, work->w1[t] + b, work->beta1,
                      work->beta2, work->step, work->eps);
        return;
    }
    if (piece->streaming) {
        adam_streaming(piece->end - b, work->p[t] + b, work->g[t] + b, work->m[t] + b, work->w[t] + b, work->p1[t] + b,
                       work->m1[t] + b, work->w1[t] + b, work->beta1, work->beta2, work->step, work->eps);
        return;
    }
    adam(piece->end - b, work->p[t] + b, work->g[t] + b, work->m[t] + b, work->w[t] + b, work->p1[t] + b,
         work->m1[t] + b, work->w1[t] + b, work->beta1, work->beta2, work->step, work->eps);
}

static OrtStatus *scalar(OrtKernelContext *context, size_t index, float *out) {
    View v;
    TRY(input(context, index, &v));
    if (v.count != 1) return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.AdamStep: its last four inputs must be scalars");
    *out = v.data[0];
    return NULL;
}

/* Each parameter's arrays and outputs into work, its size into sizes, and the pieces they make into *pieces. */
static OrtStatus *adam_tensors(OrtKernelContext *context, size_t k, AdamWork *work, size_t *sizes, size_t *pieces) {
    *pieces = 0;
    for (size_t t = 0; t < k; t++) {
        View v[4];
        for (size_t j = 0; j < 4; j++) {
            TRY(input(context, j * k + t, &v[j]));
            if (v[j].count != v[0].count) {
                return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.AdamStep: each p, g, m and w must have the same size");
            }
        }
        work->p[t] = v[0].data;
        work->g[t] = v[1].data;
        work->m[t] = v[2].data;
        work->w[t] = v[3].data;
        if (work->in_place) {
            work->p1[t] = v[0].data;
            work->m1[t] = v[2].data;
            work->w1[t] = v[3].data;
        } else {
            TRY(output_like(context, t, &v[0], &work->p1[t]));
            TRY(output_like(context, k + t, &v[0], &work->m1[t]));
            TRY(output_like(context, 2 * k + t, &v[0], &work->w1[t]));
        }
        sizes[t] = v[0].count;
        *pieces += (v[0].count + CHUNK - 1) / CHUNK;
    }
    return NULL;
}

/*
 * AdamStep, or AdamStepInPlace: the update written over its inputs p, m and w, buffers that the training session
 * owns and feeds to every call (dev.vaelab.onnx.runtime.TrainingSession), instead of into new outputs that the
 * training Loop carries to its next step. Its one output, a scalar 1, is a token: a step output that the session
 * reads, so that ORT runs the node, and that nothing after it depends on. The program that uses it makes every node
 * that reads p, m or w one that the update depends on (TrainingProgramBuilder), so none reads them after the node
 * has written them. Parameters and moments then stay where they are, in cache as the step left them: the MNIST
 * MLP's update took about half the time of AdamStep's, which writes 7.8 MB of new arrays a step (bench/README.md).
 */
static OrtStatus *adam_compute(const Kernel *kernel, OrtKernelContext *context) {
    const int in_place = !(kernel->op->variadic & VARIADIC_OUTPUTS);
    size_t count;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_INPUT_COUNT, CountFn)(context, &count));
    if (count < 8 || (count - 4) % 4 != 0) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.AdamStep: takes 4k tensors and 4 scalars");
    }
    const size_t k = (count - 4) / 4;
    AdamWork work = {.in_place = in_place};
    TRY(scalar(context, 4 * k, &work.beta1));
    TRY(scalar(context, 4 * k + 1, &work.beta2));
    TRY(scalar(context, 4 * k + 2, &work.step));
    TRY(scalar(context, 4 * k + 3, &work.eps));
    void *pointers = calloc(7 * k, sizeof(float *));
    if (pointers == NULL) return fail(STATUS_FAIL, "ai.vaelab.AdamStep: out of memory");
    work.p = pointers;
    work.g = work.p + k;
    work.m = work.g + k;
    work.w = work.m + k;
    work.p1 = (float **)(work.w + k);
    work.m1 = work.p1 + k;
    work.w1 = work.m1 + k;
    size_t pieces = 0, *sizes = malloc(k * sizeof *sizes);
    OrtStatus *status = sizes == NULL ? fail(STATUS_FAIL, "ai.vaelab.AdamStep: out of memory")
                                      : adam_tensors(context, k, &work, sizes, &pieces);
    AdamPiece *table = status == NULL && pieces > 0 ? malloc(pieces * sizeof *table) : NULL;
    if (status == NULL && pieces > 0 && table == NULL) status = fail(STATUS_FAIL, "ai.vaelab.AdamStep: out of memory");
    if (status == NULL && table != NULL) {
        __builtin_cpu_init();
        const int avx512 = __builtin_cpu_supports("avx512f");
        size_t next = 0;
        for (size_t t = 0; t < k; t++) {
            for (size_t b = 0; b < sizes[t]; b += CHUNK) {
                table[next++] = (AdamPiece){t, b, b + CHUNK < sizes[t] ? b + CHUNK : sizes[t],
                                            avx512 && sizes[t] >= STREAMED_PARAMETER};
            }
        }
        work.pieces = table;
        status = pieces == 1 ? (adam_piece(&work, 0), NULL)
                             : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, adam_piece, pieces, 0, &work);
    }
    free(table);
    free(sizes);
    free(pointers);
    if (status == NULL && in_place) {
        const View token_shape = {.rank = 0};
        float *token;
        TRY(output_like(context, 0, &token_shape, &token));
        *token = 1.0f;
    }
    return status;
}

CLONES static void relu_grad(size_t n, const float *restrict dy, const float *restrict y, float *restrict dx) {
    for (size_t i = 0; i < n; i++) {
        dx[i] = dy[i] * (float)(y[i] > 0.0f);
    }
}

static void relu_grad_range(const Work *work, size_t begin, size_t end) {
    relu_grad(end - begin, work->in[0] + begin, work->in[1] + begin, work->out[0] + begin);
}

static OrtStatus *relu_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View dy, y;
    Work work = {.range = relu_grad_range};
    TRY(input(context, 0, &dy));
    TRY(input(context, 1, &y));
    if (dy.count != y.count) return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ReluGrad: dy and y must have the same size");
    work.in[0] = dy.data;
    work.in[1] = y.data;
    TRY(output_like(context, 0, &dy, &work.out[0]));
    work.count = dy.count;
    return run(context, &work);
}

/*
 * e^x = 2^k * e^r for x = k*ln2 + r, |r| <= ln2/2 (x within [-87, 88.73], its caller's clamp): e^r by Cephes'
 * degree-6 polynomial (within 2 ulp), k returned for the caller to build 2^k in the exponent bits. Plain float
 * arithmetic that GCC vectorizes (libm's expf is a call per value).
 */
static inline float exp_reduced(float x, int32_t *k) {
    const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round to nearest, as a float */
    const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    *k = (int32_t)n;
    return p * r * r + r + 1.0f;
}

/* exp(a) for a <= 0; below -87 (where e^a is no normal float) it gives 0. */
static inline float exp_nonpositive(float a) {
    int32_t k;
    const float p = exp_reduced(a < -87.0f ? -87.0f : a, &k);
    union { int32_t i; float f; } scale = {.i = (k + 127) << 23};
    return a < -87.0f ? 0.0f : p * scale.f;
}

/*
 * exp(a) for any float a: 2^k as two factors so that each stays a normal float from k = -126 to 128; above
 * ln(FLT_MAX) it gives infinity, below -87 zero, and NaN for NaN.
 */
static inline float exp_float(float a) {
    int32_t k;
    const float p = exp_reduced(a < -87.0f ? -87.0f : a > 88.72283f ? 88.72283f : a, &k);
    const int32_t half = k / 2;
    union { int32_t i; float f; } s1 = {.i = (half + 127) << 23}, s2 = {.i = (k - half + 127) << 23};
    return a < -87.0f ? 0.0f : a > 88.72283f ? INFINITY : (p * s1.f) * s2.f;
}

/*
 * SigmoidLogLikelihood(l [N, D], x [N, D]) -> y [N]: y[n] = sum over j of x*l - softplus(l), the
 * log-likelihood of x under independent Bernoulli(sigmoid(l)) (the cross-entropy for x in [0, 1]):
 * x*l - relu(l) + log sigmoid(|l|) per value, each lane's logs taken once per 16 values, of their
 * product (each sigmoid of |l| in [1/2, 1], so a product stays above 2^-16; libm's log is a call).
 * SigmoidLogLikelihoodGrad(l, x, dy [N]) -> dl [N, D] = (x - sigmoid(l)) * dy[n]. Rows are split
 * among ORT's threads; each row is one thread's, summed in a fixed order.
 */
typedef struct {
    const float *l, *x, *dy;
    float *y;
    int64_t cols;
} SigmoidWork;

CLONES static void sigmoid_ll_row(void *data, size_t row) {
    const SigmoidWork *w = data;
    const float *restrict l = w->l + (int64_t)row * w->cols, *restrict x = w->x + (int64_t)row * w->cols;
    float linear[16] = {0}, product[16], logs = 0;
    for (int k = 0; k < 16; k++) product[k] = 1;
    int64_t j = 0, chunks = 0;
    for (; j + 16 <= w->cols; j += 16) {
        for (int k = 0; k < 16; k++) {
            const float v = l[j + k];
            linear[k] += x[j + k] * v - (v > 0.0f ? v : 0.0f);
            product[k] *= 1.0f / (1.0f + exp_nonpositive(v > 0.0f ? -v : v));
        }
        /* each lane's product of 16 sigmoids in [1/2, 1] stays above 2^-16: one log per lane then */
        if (++chunks == 16 || j + 32 > w->cols) {
            for (int k = 0; k < 16; k++) {
                logs += logf(product[k]);
                product[k] = 1;
            }
            chunks = 0;
        }
    }
    float tail = 0;
    for (; j < w->cols; j++) {
        const float v = l[j];
        tail += x[j] * v - (v > 0.0f ? v : 0.0f);
        logs += logf(1.0f / (1.0f + exp_nonpositive(v > 0.0f ? -v : v)));
    }
    for (int half = 8; half > 0; half /= 2) {
        for (int k = 0; k < half; k++) linear[k] += linear[k + half];
    }
    w->y[row] = (linear[0] + tail) + logs;
}

CLONES static void sigmoid_ll_grad_row(void *data, size_t row) {
    const SigmoidWork *w = data;
    const int64_t at = (int64_t)row * w->cols;
    const float *restrict l = w->l + at, *restrict x = w->x + at;
    float *restrict dl = w->y + at;
    const float dy = w->dy[row];
    for (int64_t j = 0; j < w->cols; j++) {
        const float v = l[j];
        const float e = exp_nonpositive(v > 0.0f ? -v : v);
        const float sigmoid = v > 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
        dl[j] = (x[j] - sigmoid) * dy;
    }
}

static OrtStatus *sigmoid_inputs(OrtKernelContext *context, const char *name, View *l, View *x) {
    TRY(input(context, 0, l));
    TRY(input(context, 1, x));
    if (l->rank != 2 || x->rank != 2 || l->dims[0] != x->dims[0] || l->dims[1] != x->dims[1]) {
        return fail(STATUS_INVALID_ARGUMENT, name);
    }
    return NULL;
}

static OrtStatus *sigmoid_ll_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View l, x;
    TRY(sigmoid_inputs(context, "ai.vaelab.SigmoidLogLikelihood: l and x must be [N, D] alike", &l, &x));
    SigmoidWork work = {.l = l.data, .x = x.data, .cols = l.dims[1]};
    OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, l.dims, 1, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&work.y));
    return l.dims[0] == 0 ? NULL
            : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, sigmoid_ll_row, (size_t)l.dims[0], 0, &work);
}

static OrtStatus *sigmoid_ll_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View l, x, dy;
    TRY(sigmoid_inputs(context, "ai.vaelab.SigmoidLogLikelihoodGrad: l and x must be [N, D] alike", &l, &x));
    TRY(input(context, 2, &dy));
    if (dy.rank != 1 || dy.dims[0] != l.dims[0]) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.SigmoidLogLikelihoodGrad: dy must be [N]");
    }
    SigmoidWork work = {.l = l.data, .x = x.data, .dy = dy.data, .cols = l.dims[1]};
    TRY(output_like(context, 0, &l, &work.y));
    return l.dims[0] == 0 ? NULL
            : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, sigmoid_ll_grad_row, (size_t)l.dims[0], 0, &work);
}

/*
 * A diagonal Gaussian posterior's sample and KL term, read from the encoder's output h = [mu | logvar]
 * [N, 2L] (dev.vaelab.zoo.objective's GaussianSample and GaussianKl; their lowerings are the same float
 * operations in the same order, with ORT's exp and ORT's row sum in place of exp_float and this sum's order):
 *   GaussianSample(h, eps) -> z = mu + s*eps, s = exp(logvar*0.5)                        [N, L]
 *   GaussianSampleGrad(h, eps, dz) -> [dz | ((dz*eps)*s)*0.5]                              [N, 2L]
 *   GaussianKl(h) -> sum_j ((mu*mu + s*s) - (logvar + 1))*0.5                              [N]
 *   GaussianKlGrad(h, dkl) -> [dkl*mu | dkl*((s*s - 1)*0.5)]                               [N, 2L]
 * A step's latents are a few thousand values: one thread, one pass, no allocation but the output.
 */
static OrtStatus *gaussian_inputs(OrtKernelContext *context, const char *name, View *h, View *other, size_t other_index,
                                  int other_is_row_vector) {
    TRY(input(context, 0, h));
    if (h->rank != 2 || h->dims[1] <= 0 || h->dims[1] % 2 != 0) {
        return fail(STATUS_INVALID_ARGUMENT, name);
    }
    if (other == NULL) return NULL;
    TRY(input(context, other_index, other));
    int fits = other_is_row_vector ? other->rank == 1 && other->dims[0] == h->dims[0]
                                   : other->rank == 2 && other->dims[0] == h->dims[0] && other->dims[1] * 2 == h->dims[1];
    return fits ? NULL : fail(STATUS_INVALID_ARGUMENT, name);
}

CLONES static void gaussian_sample_row(size_t latent, const float *restrict mu, const float *restrict logvar,
                                       const float *restrict e, float *restrict z) {
    for (size_t j = 0; j < latent; j++) {
        z[j] = mu[j] + exp_float(logvar[j] * 0.5f) * e[j];
    }
}

static OrtStatus *gaussian_sample_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View h, eps;
    TRY(gaussian_inputs(context, "ai.vaelab.GaussianSample: h must be [N, 2L] and eps [N, L]", &h, &eps, 1, 0));
    size_t n = (size_t)h.dims[0], latent = (size_t)eps.dims[1];
    float *z;
    TRY(output_like(context, 0, &eps, &z));
    for (size_t r = 0; r < n; r++) {
        const float *mu = h.data + r * 2 * latent;
        gaussian_sample_row(latent, mu, mu + latent, eps.data + r * latent, z + r * latent);
    }
    return NULL;
}

CLONES static void gaussian_sample_grad_row(size_t latent, const float *restrict logvar, const float *restrict e,
                                            const float *restrict d, float *restrict out) {
    for (size_t j = 0; j < latent; j++) {
        out[j] = d[j];
        out[latent + j] = ((d[j] * e[j]) * exp_float(logvar[j] * 0.5f)) * 0.5f;
    }
}

static OrtStatus *gaussian_sample_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View h, eps, dz;
    const char *message = "ai.vaelab.GaussianSampleGrad: h must be [N, 2L], eps and dz [N, L]";
    TRY(gaussian_inputs(context, message, &h, &eps, 1, 0));
    TRY(gaussian_inputs(context, message, &h, &dz, 2, 0));
    size_t n = (size_t)h.dims[0], latent = (size_t)eps.dims[1];
    float *dh;
    TRY(output_like(context, 0, &h, &dh));
    for (size_t r = 0; r < n; r++) {
        gaussian_sample_grad_row(latent, h.data + r * 2 * latent + latent, eps.data + r * latent, dz.data + r * latent,
                                 dh + r * 2 * latent);
    }
    return NULL;
}

/* The KL terms of up to KL_CHUNK dimensions of one row, vectorized; the caller sums them in order. */
enum { KL_CHUNK = 64 };
CLONES static void gaussian_kl_terms(size_t count, const float *restrict mu, const float *restrict logvar,
                                     float *restrict terms) {
    for (size_t j = 0; j < count; j++) {
        const float s = exp_float(logvar[j] * 0.5f);
        terms[j] = ((mu[j] * mu[j] + s * s) - (logvar[j] + 1.0f)) * 0.5f;
    }
}

static OrtStatus *gaussian_kl_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View h;
    TRY(gaussian_inputs(context, "ai.vaelab.GaussianKl: h must be [N, 2L]", &h, NULL, 0, 0));
    size_t n = (size_t)h.dims[0], latent = (size_t)h.dims[1] / 2;
    View rows = {.rank = 1, .dims = {h.dims[0]}};
    float *kl, terms[KL_CHUNK];
    TRY(output_like(context, 0, &rows, &kl));
    for (size_t r = 0; r < n; r++) {
        const float *mu = h.data + r * 2 * latent, *logvar = mu + latent;
        float sum = 0.0f;
        for (size_t j0 = 0; j0 < latent; j0 += KL_CHUNK) {
            size_t count = latent - j0 < KL_CHUNK ? latent - j0 : KL_CHUNK;
            gaussian_kl_terms(count, mu + j0, logvar + j0, terms);
            for (size_t j = 0; j < count; j++) sum += terms[j];
        }
        kl[r] = sum;
    }
    return NULL;
}

CLONES static void gaussian_kl_grad_row(size_t latent, float d, const float *restrict mu, const float *restrict logvar,
                                        float *restrict out) {
    for (size_t j = 0; j < latent; j++) {
        const float s = exp_float(logvar[j] * 0.5f);
        out[j] = d * mu[j];
        out[latent + j] = d * ((s * s - 1.0f) * 0.5f);
    }
}

static OrtStatus *gaussian_kl_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View h, dkl;
    TRY(gaussian_inputs(context, "ai.vaelab.GaussianKlGrad: h must be [N, 2L] and dkl [N]", &h, &dkl, 1, 1));
    size_t n = (size_t)h.dims[0], latent = (size_t)h.dims[1] / 2;
    float *dh;
    TRY(output_like(context, 0, &h, &dh));
    for (size_t r = 0; r < n; r++) {
        const float *mu = h.data + r * 2 * latent;
        gaussian_kl_grad_row(latent, dkl.data[r], mu, mu + latent, dh + r * 2 * latent);
    }
    return NULL;
}

/* the fixed ranges of images that a sum over the batch is split into, their sums added in range order */
enum { SUM_RANGES = 8 };

/* how many of those ranges a batch of images makes: one per image below SUM_RANGES */
static int64_t sum_ranges(int64_t images) { return images < SUM_RANGES ? images : SUM_RANGES; }

/*
 * Runs range(work, r) for each of a kernel's fixed ranges of images on ORT's threads, each leaving its partial
 * sums (count values, or NULL where it had no memory) in partial[r], then adds them into out in range order and
 * frees them, so that the sums do not depend on the threads. A range without its partial fails the call.
 */
static OrtStatus *add_partial_sums(OrtKernelContext *context, void (*range)(void *, size_t), void *work, int64_t ranges,
                                   float **partial, float *out, int64_t count, const char *out_of_memory) {
    OrtStatus *status = ranges == 0 ? NULL
            : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, range, (size_t)ranges, 0, work);
    for (int64_t c = 0; c < count; c++) out[c] = 0.0f;
    int missing = 0;
    for (int64_t r = 0; r < ranges; r++) {
        if (partial[r] == NULL) {
            missing = 1;
            continue;
        }
        for (int64_t c = 0; c < count; c++) out[c] += partial[r][c];
        free(partial[r]);
    }
    return status == NULL && missing ? fail(STATUS_FAIL, out_of_memory) : status;
}

/*
 * ReluGradBias(dy, y; geometry (B)) -> (dx, db): ReluGrad's dx, and the sum of dx over batch and space
 * per channel (a convolution's bias gradient) from the values just computed, instead of a second pass
 * reading dx back. dy, y and dx are [N, C, H, W], in NCHW (B = 0) or NCHWc blocks of B channels; db is
 * [C]. Images are split into fixed ranges whose sums are added in range order, so that db does not
 * depend on the threads; dx is ReluGrad's to the bit.
 */
typedef struct {
    const float *dy, *y;
    float *dx;
    float *partial[SUM_RANGES];
    int64_t images, ranges, channels, positions, block;
} ReluBiasWork;

/* dx of one NCHW channel plane and its sum: 16 running sums, one per lane, added pairwise at the end */
CLONES static float relu_grad_sum(int64_t n, const float *restrict dy, const float *restrict y, float *restrict dx) {
    float lanes[16] = {0}, tail = 0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 16; k++) {
            dx[i + k] = dy[i + k] * (float)(y[i + k] > 0.0f);
            lanes[k] += dx[i + k];
        }
    }
    for (; i < n; i++) {
        dx[i] = dy[i] * (float)(y[i] > 0.0f);
        tail += dx[i];
    }
    for (int half = 8; half > 0; half /= 2) {
        for (int k = 0; k < half; k++) lanes[k] += lanes[k + half];
    }
    return lanes[0] + tail;
}

/* dx of one NCHWc channel block [positions, B] and its sums per channel into sums[B] */
#define RELU_GRAD_BLOCK(B)                                                                                     \
    {                                                                                                          \
        float acc[B];                                                                                          \
        for (int k = 0; k < B; k++) acc[k] = sums[k];                                                          \
        for (int64_t p = 0; p < n; p++) {                                                                      \
            for (int k = 0; k < B; k++) {                                                                      \
                dx[p * B + k] = dy[p * B + k] * (float)(y[p * B + k] > 0.0f);                                  \
                acc[k] += dx[p * B + k];                                                                       \
            }                                                                                                  \
        }                                                                                                      \
        for (int k = 0; k < B; k++) sums[k] = acc[k];                                                          \
    }

CLONES static void relu_grad_block(int64_t n, int64_t b, const float *restrict dy, const float *restrict y,
                                   float *restrict dx, float *restrict sums) {
    if (b == 16) {
        RELU_GRAD_BLOCK(16)
    } else if (b == 8) {
        RELU_GRAD_BLOCK(8)
    } else {
        for (int64_t p = 0; p < n; p++) {
            for (int64_t k = 0; k < b; k++) {
                dx[p * b + k] = dy[p * b + k] * (float)(y[p * b + k] > 0.0f);
                sums[k] += dx[p * b + k];
            }
        }
    }
}

/* A dense layer's row: dx = ReluGrad, and each channel's running sum, across the channels (they are the vector) */
CLONES static void relu_grad_row(int64_t c, const float *restrict dy, const float *restrict y, float *restrict dx,
                                 float *restrict sums) {
    for (int64_t ch = 0; ch < c; ch++) {
        const float v = dy[ch] * (float)(y[ch] > 0.0f);
        dx[ch] = v;
        sums[ch] += v;
    }
}

/*
 * ChannelSum(x [N, C, H, W]) -> the sums of each channel over images and positions, [C] (a conv's bias gradient
 * where no ReLU gradient computes it: the decoder's image layer; ORT's ReduceSum over axes 0, 2, 3 ran at about
 * 1 GFLOP/s, 0.47 ms of a Burgess step). Fixed ranges of images each summed by one of ORT's threads, a plane in
 * 16 running sums, and the ranges added in order: the sums do not depend on the threads.
 */
typedef struct {
    const float *x;
    float *partial[SUM_RANGES];
    int64_t images, channels, positions, ranges;
} ChannelSumWork;

CLONES static float plane_sum(int64_t count, const float *restrict x) {
    float lanes[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= count; i += 16) {
        for (int k = 0; k < 16; k++) lanes[k] += x[i + k];
    }
    float sum = 0.0f;
    for (int k = 0; k < 16; k++) sum += lanes[k];
    for (; i < count; i++) sum += x[i];
    return sum;
}

static void channel_sum_range(void *data, size_t range) {
    ChannelSumWork *w = data;
    const int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    float *sums = calloc((size_t)w->channels, sizeof(float));
    if (sums == NULL) return; /* its partial stays NULL: the call fails */
    for (int64_t n = first; n < end; n++) {
        for (int64_t c = 0; c < w->channels; c++) {
            sums[c] += plane_sum(w->positions, w->x + (n * w->channels + c) * w->positions);
        }
    }
    w->partial[range] = sums;
}

static OrtStatus *channel_sum_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View x;
    TRY(input(context, 0, &x));
    if (x.rank != 4) return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ChannelSum: x must be [N, C, H, W]");
    ChannelSumWork work = {.x = x.data, .images = x.dims[0], .channels = x.dims[1], .positions = x.dims[2] * x.dims[3]};
    work.ranges = sum_ranges(work.images);
    View channels = {.rank = 1, .dims = {x.dims[1]}};
    float *sums;
    TRY(output_like(context, 0, &channels, &sums));
    return add_partial_sums(context, channel_sum_range, &work, work.ranges, work.partial, sums, work.channels,
                            "ai.vaelab.ChannelSum: out of memory");
}

/*
 * ByteIntensities(x uint8) -> x / 255 as floats: a batch's pixel bytes as intensities in [0, 1] (what ORT's Cast
 * and Div compute, the same division, in one pass instead of two: 0.6 ms of a Burgess step's 64x64 bytes).
 */
CLONES static void byte_intensities(size_t n, const uint8_t *restrict x, float *restrict y) {
    for (size_t i = 0; i < n; i++) y[i] = (float)x[i] / 255.0f;
}

typedef struct {
    const uint8_t *x;
    float *y;
    size_t count;
} BytesWork;

static void byte_intensities_chunk(void *data, size_t chunk) {
    const BytesWork *w = data;
    const size_t begin = chunk * CHUNK, end = begin + CHUNK < w->count ? begin + CHUNK : w->count;
    byte_intensities(end - begin, w->x + begin, w->y + begin);
}

static OrtStatus *byte_intensities_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View x; /* its data pointer holds bytes here */
    TRY(input(context, 0, &x));
    BytesWork work = {.x = (const uint8_t *)x.data, .count = x.count};
    TRY(output_like(context, 0, &x, &work.y));
    const size_t chunks = (work.count + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
        byte_intensities(work.count, work.x, work.y);
        return NULL;
    }
    return API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, byte_intensities_chunk, chunks, 0, &work);
}

/*
 * ColumnSum(x) -> the sums of x [N, C] over its rows, [C] (a dense layer's bias gradient: ORT's ReduceSum over
 * axis 0 ran at about 2 GFLOP/s). Threads take ranges of columns and add the rows in order, so the sums do not
 * depend on the threads.
 */
enum { SUM_COLUMNS = 256 };
typedef struct {
    const float *x;
    float *sums;
    int64_t rows, columns;
} ColumnSumWork;

CLONES static void add_row(int64_t count, const float *restrict row, float *restrict sums) {
    for (int64_t j = 0; j < count; j++) sums[j] += row[j];
}

static void column_sum_range(void *data, size_t range) {
    const ColumnSumWork *w = data;
    const int64_t first = (int64_t)range * SUM_COLUMNS;
    const int64_t count = w->columns - first < SUM_COLUMNS ? w->columns - first : SUM_COLUMNS;
    float *sums = w->sums + first;
    for (int64_t j = 0; j < count; j++) sums[j] = 0.0f;
    for (int64_t r = 0; r < w->rows; r++) add_row(count, w->x + r * w->columns + first, sums);
}

static OrtStatus *column_sum_compute(const Kernel *kernel, OrtKernelContext *context) {
    (void)kernel;
    View x;
    TRY(input(context, 0, &x));
    if (x.rank != 2) return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ColumnSum: x must be [N, C]");
    ColumnSumWork work = {.x = x.data, .rows = x.dims[0], .columns = x.dims[1]};
    View columns = {.rank = 1, .dims = {x.dims[1]}};
    TRY(output_like(context, 0, &columns, &work.sums));
    size_t ranges = (size_t)((work.columns + SUM_COLUMNS - 1) / SUM_COLUMNS);
    return ranges == 0 ? NULL : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, column_sum_range, ranges, 0, &work);
}

static void relu_bias_range(void *data, size_t range) {
    ReluBiasWork *w = data;
    const int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    const int64_t c = w->channels, positions = w->positions, b = w->block;
    float *sums = calloc((size_t)c, sizeof(float));
    if (sums == NULL) return; /* its partial stays NULL: the call fails */
    for (int64_t n = first; n < end; n++) {
        const int64_t at = n * c * positions;
        if (positions == 1) {
            relu_grad_row(c, w->dy + at, w->y + at, w->dx + at, sums);
        } else if (b > 0) {
            for (int64_t cb = 0; cb < c / b; cb++) {
                const int64_t plane = at + cb * positions * b;
                relu_grad_block(positions, b, w->dy + plane, w->y + plane, w->dx + plane, sums + cb * b);
            }
        } else {
            for (int64_t ch = 0; ch < c; ch++) {
                const int64_t plane = at + ch * positions;
                sums[ch] += relu_grad_sum(positions, w->dy + plane, w->y + plane, w->dx + plane);
            }
        }
    }
    w->partial[range] = sums;
}

static OrtStatus *relu_bias_compute(const Kernel *kernel, OrtKernelContext *context) {
    View dy, y;
    ReluBiasWork work = {.block = kernel->geometry[0]};
    TRY(input(context, 0, &dy));
    TRY(input(context, 1, &y));
    if ((dy.rank != 4 && dy.rank != 2) || y.rank != dy.rank || memcmp(dy.dims, y.dims, sizeof dy.dims[0] * dy.rank) != 0
            || work.block < 0 || (work.block > 0 && (dy.rank != 4 || dy.dims[1] % work.block != 0))) {
        return fail(STATUS_INVALID_ARGUMENT,
                    "ai.vaelab.ReluGradBias: dy and y must be [N, C, H, W] alike, C in whole blocks, or [N, C] alike");
    }
    work.dy = dy.data;
    work.y = y.data;
    work.images = dy.dims[0];
    work.channels = dy.dims[1];
    work.positions = dy.rank == 4 ? dy.dims[2] * dy.dims[3] : 1; /* a dense layer's [N, C]: one position */
    work.ranges = sum_ranges(work.images);
    float *db;
    OrtValue *value;
    TRY(output_like(context, 0, &dy, &work.dx));
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 1, &work.channels, 1, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&db));
    return add_partial_sums(context, relu_bias_range, &work, work.ranges, work.partial, db, work.channels,
                            "ai.vaelab.ReluGradBias: out of memory");
}

/*
 * One channel (a grey image's first layer): each position's taps read straight from the image, with no
 * channels-last copy; a kernel row of 4 taps (the zoo's 4x4 kernels) within the image is one fixed-size copy
 * (the general path's copies of runs of a few floats took two thirds of the one-channel weight gradient).
 */
static inline void copy4(float *restrict out, const float *restrict in) {
    for (int k = 0; k < 4; k++) out[k] = in[k];
}

/* Taps j of kernel row i for positions [from, to) of output row ph, each read with its bounds checked. */
static inline void one_channel_taps(const float *restrict image, int64_t h, int64_t wd, const int64_t *g, int64_t ph,
                                    int64_t i, int64_t from, int64_t to, float *restrict out) {
    const int64_t kh = g[0], kw = g[1], s0 = g[2], s1 = g[3], d0 = g[4], d1 = g[5], pad0 = g[6], pad1 = g[7];
    const int64_t row = s0 * ph + d0 * i - pad0, taps = kh * kw;
    for (int64_t pw = from; pw < to; pw++) {
        float *restrict tap = out + pw * taps + i * kw;
        for (int64_t j = 0; j < kw; j++) {
            const int64_t col = s1 * pw - pad1 + d1 * j;
            tap[j] = row >= 0 && row < h && col >= 0 && col < wd ? image[row * wd + col] : 0.0f;
        }
    }
}

CLONES static void im2col_one_channel(const float *restrict image, int64_t h, int64_t wd, const int64_t *g,
                                      float *restrict out) {
    const int64_t kh = g[0], kw = g[1], s0 = g[2], s1 = g[3], d0 = g[4], d1 = g[5];
    const int64_t pad0 = g[6], pad1 = g[7], ho = g[8], wo = g[9], taps = kh * kw;
    /* the positions whose 4 taps of a kernel row lie within the image's columns: [inner, outer) */
    int64_t inner = 0, outer = 0;
    if (kw == 4 && d1 == 1) {
        inner = (pad1 + s1 - 1) / s1;
        outer = wd - 4 + pad1 >= 0 ? (wd - 4 + pad1) / s1 + 1 : 0;
        outer = outer < wo ? outer : wo;
        inner = inner < outer ? inner : outer;
    }
    for (int64_t ph = 0; ph < ho; ph++) {
        float *restrict rowOut = out + ph * wo * taps;
        for (int64_t i = 0; i < kh; i++) {
            const int64_t row = s0 * ph + d0 * i - pad0;
            if (row < 0 || row >= h || inner == outer) {
                one_channel_taps(image, h, wd, g, ph, i, 0, wo, rowOut);
                continue;
            }
            one_channel_taps(image, h, wd, g, ph, i, 0, inner, rowOut);
            const float *restrict in = image + row * wd - pad1;
            for (int64_t pw = inner; pw < outer; pw++) copy4(rowOut + pw * taps + i * 4, in + s1 * pw);
            one_channel_taps(image, h, wd, g, ph, i, outer, wo, rowOut);
        }
    }
}

/*
 * The columns of an image in NCHWc blocks of b channels ([C/b, H, W, b]) in the blocks' order, [P, C/b, kH, kW, b]:
 * with dilation 1 a block's kernel row is kW*b floats side by side in the image, copied as one run, with no
 * channels-last copy first (that copy was a third of the 32x32 Burgess layer's columns: 22 -> 14.5 us per image).
 */
CLONES static void im2col_blocked(const float *restrict image, int64_t c, int64_t h, int64_t wd, const int64_t *g,
                                  int64_t b, float *restrict out) {
    const int64_t kh = g[0], kw = g[1], s0 = g[2], s1 = g[3], d0 = g[4], d1 = g[5];
    const int64_t pad0 = g[6], pad1 = g[7], ho = g[8], wo = g[9], run = kw * b;
    for (int64_t ph = 0; ph < ho; ph++) {
        for (int64_t pw = 0; pw < wo; pw++) {
            const int64_t first = s1 * pw - pad1, lastCol = first + d1 * (kw - 1);
            for (int64_t cb = 0; cb < c / b; cb++) {
                for (int64_t i = 0; i < kh; i++, out += run) {
                    const int64_t row = s0 * ph + d0 * i - pad0;
                    if (row < 0 || row >= h) {
                        for (int64_t k = 0; k < run; k++) out[k] = 0;
                        continue;
                    }
                    const float *restrict in = image + (cb * h + row) * wd * b;
                    if (d1 == 1 && first >= 0 && lastCol < wd) {
                        for (int64_t k = 0; k < run; k++) out[k] = in[first * b + k];
                    } else {
                        for (int64_t j = 0; j < kw; j++) {
                            const int64_t col = first + d1 * j;
                            for (int64_t k = 0; k < b; k++) out[j * b + k] = col < 0 || col >= wd ? 0.0f : in[col * b + k];
                        }
                    }
                }
            }
        }
    }
}

/*
 * The im2col columns of one image [C, H, W] into out [P, kH*kW*C]: row p holds, for each tap
 * t = i*kW + j of output position p = (ph, pw), the C channels of the image at
 * (s0*ph + d0*i - pad0, s1*pw + d1*j - pad1), zeros outside it; the geometry g is (kH, kW, s0, s1,
 * d0, d1, pad0, pad1, Ho, Wo). The image is first made channels-last in last (H*W*C floats), so
 * that every tap is one contiguous copy of C floats (block 0: NCHW). An image in NCHWc blocks of
 * block channels ([C/block, H, W, block]) gives its columns in the blocks' order instead,
 * [P, C/block, kH, kW, block] (im2col_blocked). One channel or blocks need no last (im2col_needs_last).
 */
static int im2col_needs_last(int64_t c, int64_t block) { return c > 1 && block == 0; }


CLONES static void im2col_into(const float *image, int64_t c, int64_t h, int64_t wd, const int64_t *g, int64_t block,
                               float *last, float *restrict out) {
    const int64_t kh = g[0], kw = g[1], s0 = g[2], s1 = g[3], d0 = g[4], d1 = g[5];
    const int64_t pad0 = g[6], pad1 = g[7], ho = g[8], wo = g[9];
    if (c == 1 && block == 0) {
        im2col_one_channel(image, h, wd, g, out);
        return;
    }
    if (block > 0) {
        im2col_blocked(image, c, h, wd, g, block, out);
        return;
    }
    /* channels last, 64 positions at a time, so that the block written stays in the first-level cache */
    for (int64_t at0 = 0; at0 < h * wd; at0 += 64) {
        const int64_t end = at0 + 64 < h * wd ? at0 + 64 : h * wd;
        for (int64_t ch = 0; ch < c; ch++) {
            for (int64_t at = at0; at < end; at++) last[at * c + ch] = image[ch * h * wd + at];
        }
    }
    const int64_t run = kw * c; /* a kernel row's taps, contiguous in last where dilation is 1 */
    for (int64_t ph = 0; ph < ho; ph++) {
        for (int64_t pw = 0; pw < wo; pw++) {
            const int64_t first = s1 * pw - pad1, lastCol = first + d1 * (kw - 1);
            for (int64_t i = 0; i < kh; i++, out += run) {
                int64_t row = s0 * ph + d0 * i - pad0;
                if (row < 0 || row >= h) {
                    for (int64_t k = 0; k < run; k++) out[k] = 0;
                } else if (d1 == 1 && first >= 0 && lastCol < wd) {
                    const float *restrict in = last + (row * wd + first) * c;
                    for (int64_t k = 0; k < run; k++) out[k] = in[k];
                } else {
                    for (int64_t j = 0; j < kw; j++) {
                        int64_t col = first + d1 * j;
                        float *restrict tap = out + j * c;
                        if (col < 0 || col >= wd) {
                            for (int64_t k = 0; k < c; k++) tap[k] = 0;
                        } else {
                            const float *restrict in = last + (row * wd + col) * c;
                            for (int64_t k = 0; k < c; k++) tap[k] = in[k];
                        }
                    }
                }
            }
        }
    }
}

/* kernel, strides, dilations and output size at least 1, pads and blocks at least 0 */
static int valid_geometry(const int64_t *g) {
    for (int k = 0; k < GEOMETRY; k++) {
        if (g[k] < (k == 6 || k == 7 || k >= 10 ? 0 : 1)) return 0;
    }
    return 1;
}

/*
 * ConvWeightGrad(x [N, C, H, W], dy [N, M, Ho, Wo]; geometry as im2col_into's, then the NCHWc block of
 * x and of dy, 0 for NCHW) -> dw [M, C, kH, kW]:
 * dw = sum over images n of dy[n] as [M, Ho*Wo] times the columns of x[n] as [Ho*Wo, kH*kW*C], the GEMM
 * of ConvGradients' weight gradient without its columns ever leaving the cache: a group of images'
 * columns are made in a buffer of their own and multiplied at once (vaelab_gemm.c). The images are
 * split into a fixed number of ranges, each summed into a partial product by one of ORT's threads,
 * and the partials are added in range order, so that the result does not depend on the threads. A dy
 * in blocks is read by the GEMM as it lies.
 */

typedef struct {
    const float *x, *dy;
    float *partial[SUM_RANGES];
    int64_t images, ranges, channels, height, width, filters;
    int64_t g[GEOMETRY];
} WeightGradWork;

/*
 * Images are multiplied a group at a time, their columns one above the other and their output gradients side by
 * side, so that one GEMM runs over at least GROUP_POSITIONS positions: a deep layer has few positions per image
 * (7x7, 4x4), and a GEMM over so short a k spends its time filling and storing its tiles (the 7x7 layer of the
 * MNIST conv net ran at four fifths of the floor's rate image by image).
 */
enum { GROUP_POSITIONS = 256 };

static void weight_grad_range(void *data, size_t range) {
    WeightGradWork *w = data;
    const int64_t c = w->channels, h = w->height, wd = w->width, *g = w->g;
    const int64_t positions = g[8] * g[9], width = g[0] * g[1] * c;
    int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    const int64_t filters = w->filters, dy_block = g[11];
    int64_t group = (GROUP_POSITIONS + positions - 1) / positions;
    group = group < end - first ? group : end - first;
    group = group < 1 ? 1 : group;
    const int needs_last = im2col_needs_last(c, g[10]);
    float *last = needs_last ? malloc(sizeof(float) * (size_t)(h * wd * c)) : NULL;
    float *columns = malloc(sizeof(float) * (size_t)(group * positions * width));
    float *grads = group > 1 ? malloc(sizeof(float) * (size_t)(group * positions * filters)) : NULL;
    float *partial = calloc((size_t)(filters * width), sizeof(float));
    if ((needs_last && last == NULL) || columns == NULL || partial == NULL || (group > 1 && grads == NULL)) {
        free(last);
        free(columns);
        free(grads);
        free(partial);
        return; /* its partial stays NULL: the call fails */
    }
    for (int64_t n0 = first; n0 < end; n0 += group) {
        const int64_t count = end - n0 < group ? end - n0 : group, k = count * positions;
        for (int64_t i = 0; i < count; i++) {
            im2col_into(w->x + (n0 + i) * c * h * wd, c, h, wd, g, g[10], last, columns + i * positions * width);
        }
        /* dy of the group as [M, count*P] (or in blocks, [M/B, count*P, B]) as the GEMM reads it */
        const float *a = w->dy + n0 * filters * positions;
        if (count > 1) {
            const int64_t b = dy_block > 0 ? dy_block : 1, rows = filters / b, run = positions * b;
            for (int64_t r = 0; r < rows; r++) {
                for (int64_t i = 0; i < count; i++) {
                    memcpy(grads + (r * count + i) * run, w->dy + ((n0 + i) * rows + r) * run, sizeof(float) * (size_t)run);
                }
            }
            a = grads;
        }
        vaelab_gemm_acc(filters, width, k, a, k, dy_block, columns, width, partial, width);
    }
    free(last);
    free(columns);
    free(grads);
    w->partial[range] = partial;
}

static OrtStatus *weight_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    View x, dy;
    WeightGradWork work = {0};
    TRY(input(context, 0, &x));
    TRY(input(context, 1, &dy));
    memcpy(work.g, kernel->geometry, sizeof work.g);
    if (!valid_geometry(work.g)) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ConvWeightGrad: a kernel, stride, dilation or size below 1, or a negative pad");
    }
    if (x.rank != 4 || dy.rank != 4 || dy.dims[0] != x.dims[0] || dy.dims[2] != work.g[8] || dy.dims[3] != work.g[9]) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ConvWeightGrad: x must be [N, C, H, W] and dy [N, M, Ho, Wo]");
    }
    if ((work.g[10] > 0 && x.dims[1] % work.g[10] != 0) || (work.g[11] > 0 && dy.dims[1] % work.g[11] != 0)) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.ConvWeightGrad: a blocked operand's channels are not whole blocks");
    }
    work.x = x.data;
    work.dy = dy.data;
    work.images = x.dims[0];
    work.channels = x.dims[1];
    work.height = x.dims[2];
    work.width = x.dims[3];
    work.filters = dy.dims[1];
    work.ranges = sum_ranges(work.images);
    const int64_t taps = work.g[0] * work.g[1], channels = work.channels, width = taps * channels;
    int64_t dims[4] = {work.filters, channels, work.g[0], work.g[1]};
    float *dw;
    OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, dims, 4, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&dw));
    OrtStatus *status = work.ranges == 0 ? NULL
            : API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, weight_grad_range, (size_t)work.ranges, 0, &work);
    /* the partial products are [M, taps, C], or [M, C/B, taps, B] for x in blocks of B; dw is [M, C, kH, kW] */
    const int64_t xb = work.g[10];
    for (int64_t i = 0; i < work.filters * width; i++) dw[i] = 0;
    int missing = 0;
    for (int64_t r = 0; r < work.ranges; r++) {
        const float *partial = work.partial[r];
        if (partial == NULL) {
            missing = 1;
            continue;
        }
        const int64_t b = xb > 0 ? xb : channels; /* NCHW: one block of all channels, [M, taps, C] */
        for (int64_t o = 0; o < work.filters; o++) {
            for (int64_t cb = 0; cb < channels / b; cb++) {
                for (int64_t t = 0; t < taps; t++) {
                    const float *in = partial + o * width + (cb * taps + t) * b;
                    float *out = dw + (o * channels + cb * b) * taps + t;
                    for (int64_t k = 0; k < b; k++) out[k * taps] += in[k];
                }
            }
        }
        free(work.partial[r]);
    }
    if (status == NULL && missing) status = fail(STATUS_FAIL, "ai.vaelab.ConvWeightGrad: out of memory");
    return status;
}

/*
 * InterleavePhases(phase_0, ..., phase_{s0*s1-1}; geometry (s0, s1, M, B, flags)) -> y [N, M, s0*R0, s1*R1]:
 * the outputs of a transposed convolution's s0*s1 stride-1 phase convolutions, each NCHWc
 * ([N, M/B, R0, R1, B] in memory, declared [N, M, R0, R1]), interleaved into one map, NCHW:
 * y[n, c, s0*r0 + ph, s1*r1 + pw] = phase_{ph*s1 + pw}[n, c/B, r0, r1, c%B], or NCHWc (flags & 2):
 * y[n, c/B, s0*r0 + ph, s1*r1 + pw, c%B] = the same. With flags & 1 each value v is written as
 * v > 0 ? v : 0, the layer's ReLU. What ORT does with two Concats, a ReorderOutput and a Relu, in one pass.
 */
typedef struct {
    const float *phase[64];
    float *y;
    int64_t s0, s1, channels, block, rows, cols, relu;
} InterleaveWork;

/* max(v, 0), a NaN kept as it is (a diverging run must stay visible) */
static inline float relu_if(float v, int64_t relu) { return relu && v < 0 ? 0.0f : v; }

/*
 * The zoo's stride-2 layers in blocks of 16 (AVX-512's NCHWc): an output row's two phases read side by side and
 * written in order, one block of 16 after the other, the ReLU decided once per row; the general loop below
 * writes every other block of a row per phase with the block size and the ReLU read inside (a third of the
 * memory's rate: 4.3 ms of a Burgess step).
 */
static inline void interleave_row_16(float *restrict row, const float *restrict left, const float *restrict right,
                                     int64_t r1n, int64_t relu) {
    if (relu) {
        for (int64_t r1 = 0; r1 < r1n; r1++) {
            for (int k = 0; k < 16; k++) row[32 * r1 + k] = relu_if(left[16 * r1 + k], 1);
            for (int k = 0; k < 16; k++) row[32 * r1 + 16 + k] = relu_if(right[16 * r1 + k], 1);
        }
    } else {
        for (int64_t r1 = 0; r1 < r1n; r1++) {
            for (int k = 0; k < 16; k++) row[32 * r1 + k] = left[16 * r1 + k];
            for (int k = 0; k < 16; k++) row[32 * r1 + 16 + k] = right[16 * r1 + k];
        }
    }
}

CLONES static void interleave_blocked(void *data, size_t chunk) {
    const InterleaveWork *w = data;
    const int64_t s0 = w->s0, s1 = w->s1, b = w->block, r0n = w->rows, r1n = w->cols, relu = w->relu;
    const int64_t blocks = w->channels / b, height = s0 * r0n, width = s1 * r1n;
    const int64_t n = (int64_t)chunk / blocks, mb = (int64_t)chunk % blocks;
    float *restrict map = w->y + (n * blocks + mb) * height * width * b;
    if (b == 16 && s1 == 2) {
        for (int64_t r0 = 0; r0 < r0n; r0++) {
            for (int64_t ph = 0; ph < s0; ph++) {
                const int64_t at = ((n * blocks + mb) * r0n + r0) * r1n * b;
                interleave_row_16(map + (s0 * r0 + ph) * width * b, w->phase[ph * s1] + at, w->phase[ph * s1 + 1] + at,
                                  r1n, relu);
            }
        }
        return;
    }
    for (int64_t r0 = 0; r0 < r0n; r0++) {
        for (int64_t ph = 0; ph < s0; ph++) {
            float *restrict row = map + (s0 * r0 + ph) * width * b;
            for (int64_t pw = 0; pw < s1; pw++) {
                const float *restrict in = w->phase[ph * s1 + pw] + ((n * blocks + mb) * r0n + r0) * r1n * b;
                for (int64_t r1 = 0; r1 < r1n; r1++) {
                    for (int64_t k = 0; k < b; k++) row[(s1 * r1 + pw) * b + k] = relu_if(in[r1 * b + k], relu);
                }
            }
        }
    }
}

CLONES static void interleave_block(void *data, size_t chunk) {
    const InterleaveWork *w = data;
    const int64_t s0 = w->s0, s1 = w->s1, b = w->block, r0n = w->rows, r1n = w->cols;
    const int64_t blocks = w->channels / b, height = s0 * r0n, width = s1 * r1n;
    const int64_t n = (int64_t)chunk / blocks, mb = (int64_t)chunk % blocks;
    for (int64_t r0 = 0; r0 < r0n; r0++) {
        for (int64_t ph = 0; ph < s0; ph++) {
            for (int64_t k = 0; k < b; k++) {
                float *restrict row = w->y + (((n * w->channels + mb * b + k) * height) + s0 * r0 + ph) * width;
                for (int64_t pw = 0; pw < s1; pw++) {
                    const float *restrict in = w->phase[ph * s1 + pw] + ((n * blocks + mb) * r0n + r0) * r1n * b + k;
                    for (int64_t r1 = 0; r1 < r1n; r1++) row[s1 * r1 + pw] = relu_if(in[r1 * b], w->relu);
                }
            }
        }
    }
}

/*
 * An interleave's first four geometry values (s0, s1, M, B) and its phases, the first `phases` inputs, each [N, M, R0,
 * R1] alike, into work; dims gets the interleaved map's shape, [N, M, s0*R0, s1*R1]. Errors name the operator.
 */
static OrtStatus *interleave_phases(const Kernel *kernel, OrtKernelContext *context, size_t phases, const char *op,
                                    InterleaveWork *work, int64_t dims[4]) {
    char message[128];
    work->s0 = kernel->geometry[0];
    work->s1 = kernel->geometry[1];
    work->channels = kernel->geometry[2];
    work->block = kernel->geometry[3];
    if (work->s0 < 1 || work->s1 < 1 || work->block < 1 || work->channels % work->block != 0
            || (size_t)(work->s0 * work->s1) != phases || phases > 64) {
        snprintf(message, sizeof message, "ai.vaelab.%s: the geometry does not match the phases", op);
        return fail(STATUS_INVALID_ARGUMENT, message);
    }
    View first;
    for (size_t i = 0; i < phases; i++) {
        View v;
        TRY(input(context, i, &v));
        if (i == 0) first = v;
        if (v.rank != 4 || v.dims[1] != work->channels || memcmp(v.dims, first.dims, sizeof v.dims[0] * 4) != 0) {
            snprintf(message, sizeof message, "ai.vaelab.%s: phases must be [N, M, R0, R1] alike", op);
            return fail(STATUS_INVALID_ARGUMENT, message);
        }
        work->phase[i] = v.data;
    }
    work->rows = first.dims[2];
    work->cols = first.dims[3];
    dims[0] = first.dims[0];
    dims[1] = work->channels;
    dims[2] = work->s0 * work->rows;
    dims[3] = work->s1 * work->cols;
    return NULL;
}

static OrtStatus *interleave_compute(const Kernel *kernel, OrtKernelContext *context) {
    InterleaveWork work;
    work.relu = kernel->geometry[4] & 1;
    const int blocked_out = (kernel->geometry[4] & 2) != 0;
    size_t phases;
    int64_t dims[4];
    TRY(API(SLOT_KERNEL_CONTEXT_GET_INPUT_COUNT, CountFn)(context, &phases));
    TRY(interleave_phases(kernel, context, phases, "InterleavePhases", &work, dims));
    OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, dims, 4, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&work.y));
    size_t chunks = (size_t)(dims[0] * (work.channels / work.block));
    return API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, blocked_out ? interleave_blocked : interleave_block,
                                                                chunks, 0, &work);
}

/*
 * InterleaveReluGrad(phase_0, ..., phase_{s0*s1-1}, y; geometry (s0, s1, M, B)) -> (dx, db): the input gradient of a
 * strided convolution interleaved from its phases as InterleavePhases does into NCHWc blocks, times the ReLU mask of
 * the layer before it (y > 0, y in the same blocks), and that layer's bias gradient, the sums of dx per channel over
 * images and positions ([M]). InterleavePhases and ReluGradBias did this in two passes, the second reading the
 * first's output back (an encoder's input gradients: 4 of a Burgess step's 10 ms of these passes). dx and db are
 * ReluGradBias's bits: the same products, and the sums in its order (its ranges of images, then per image each
 * block's lanes in position order).
 */
typedef struct {
    InterleaveWork map; /* the phases, the output dx (map.y) and the geometry */
    const float *mask;
    float *partial[SUM_RANGES];
    int64_t images, ranges;
} InterleaveGradWork;

/*
 * One output row of a block: its s1 phases' values at their columns, masked, written in order and summed per lane,
 * a block (16 floats with AVX-512, 8 with AVX2) as one vector per position: GCC left the per-lane loop scalar (four
 * times the two passes' time). The mask is ReluGradBias's multiply by 1 or 0, so NaN and the sign of zero come out
 * as there.
 */
#define INTERLEAVE_GRAD_ROW(VEC)                                                                               \
    {                                                                                                          \
        VEC acc = *(const VEC *)sums;                                                                          \
        for (int64_t r1 = 0; r1 < r1n; r1++) {                                                                 \
            for (int64_t pw = 0; pw < s1; pw++) {                                                              \
                const int64_t o = (s1 * r1 + pw) * b;                                                          \
                const VEC in = *(const VEC *)(phases[pw] + r1 * b);                                            \
                const VEC v = in * __builtin_convertvector(-(*(const VEC *)(mask + o) > 0.0f), VEC);           \
                *(VEC *)(dx + o) = v;                                                                          \
                acc += v;                                                                                      \
            }                                                                                                  \
        }                                                                                                      \
        *(VEC *)sums = acc;                                                                                    \
        return;                                                                                                \
    }
typedef float grad16 __attribute__((vector_size(64), aligned(4)));
typedef float grad8 __attribute__((vector_size(32), aligned(4)));

CLONES static void interleave_grad_row(int64_t b, int64_t s1, int64_t r1n, const float *const *phases,
                                       const float *restrict mask, float *restrict dx, float *restrict sums) {
    if (b == 16) INTERLEAVE_GRAD_ROW(grad16)
    if (b == 8) INTERLEAVE_GRAD_ROW(grad8)
    for (int64_t r1 = 0; r1 < r1n; r1++) {
        for (int64_t pw = 0; pw < s1; pw++) {
            const float *in = phases[pw] + r1 * b;
            const int64_t o = (s1 * r1 + pw) * b;
            for (int64_t k = 0; k < b; k++) {
                dx[o + k] = in[k] * (float)(mask[o + k] > 0.0f);
                sums[k] += dx[o + k];
            }
        }
    }
}

static void interleave_grad_range(void *data, size_t range) {
    InterleaveGradWork *w = data;
    const InterleaveWork *m = &w->map;
    const int64_t s0 = m->s0, s1 = m->s1, b = m->block, r0n = m->rows, r1n = m->cols, blocks = m->channels / b;
    const int64_t plane = s0 * r0n * s1 * r1n * b, row = s1 * r1n * b;
    const int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    float *sums = calloc((size_t)m->channels, sizeof(float));
    if (sums == NULL) return; /* its partial stays NULL: the call fails */
    for (int64_t n = first; n < end; n++) {
        for (int64_t mb = 0; mb < blocks; mb++) {
            const int64_t at = (n * blocks + mb) * plane;
            for (int64_t r0 = 0; r0 < r0n; r0++) {
                for (int64_t ph = 0; ph < s0; ph++) {
                    const float *phases[64];
                    for (int64_t pw = 0; pw < s1; pw++) phases[pw] = m->phase[ph * s1 + pw] + ((n * blocks + mb) * r0n + r0) * r1n * b;
                    const int64_t o = at + (s0 * r0 + ph) * row;
                    interleave_grad_row(b, s1, r1n, phases, w->mask + o, m->y + o, sums + mb * b);
                }
            }
        }
    }
    w->partial[range] = sums;
}

static OrtStatus *interleave_grad_compute(const Kernel *kernel, OrtKernelContext *context) {
    InterleaveGradWork work = {0};
    InterleaveWork *m = &work.map;
    size_t count;
    int64_t dims[4];
    View mask;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_INPUT_COUNT, CountFn)(context, &count));
    const size_t phases = count > 0 ? count - 1 : 0; /* then y */
    TRY(interleave_phases(kernel, context, phases, "InterleaveReluGrad", m, dims));
    TRY(input(context, phases, &mask));
    if (mask.rank != 4 || memcmp(mask.dims, dims, sizeof dims) != 0) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.InterleaveReluGrad: y must be the size of the interleaved map");
    }
    work.mask = mask.data;
    work.images = dims[0];
    work.ranges = sum_ranges(work.images);
    OrtValue *value;
    float *db;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, dims, 4, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&m->y));
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 1, &m->channels, 1, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&db));
    return add_partial_sums(context, interleave_grad_range, &work, work.ranges, work.partial, db, m->channels,
                            "ai.vaelab.InterleaveReluGrad: out of memory");
}

/*
 * FewChannelDeconv(x [N, C, H, W] in NCHWc blocks of B, w [C, M, kH, kW], bias [M]; geometry (kH, kW, s0,
 * s1, pad0, pad1, Ho, Wo, B)) -> y [N, M, Ho, Wo] in NCHW: a transposed convolution to fewer channels
 * than a block (an image decoder's last layer, M = 1 or 3), which MLAS has no NCHWc kernel for and
 * ORT's generic ConvTranspose runs at a fifth of the rate of the layers before it. Per image, every
 * input pixel's contribution to each tap, z[p, (m, i, j)] = sum over c of x[c, p] * w[c, m, i, j], is
 * one GEMM per channel block (the block [H*W, B] is a row-major matrix as it lies, w is [C, M*kH*kW]
 * as it lies), and the contributions are then added into the output at s*(iy, ix) + (i, j) - pad
 * (col2im), tap after tap, onto the bias.
 */
typedef struct {
    const float *x, *w, *bias;
    float *y;
    int64_t channels, filters, height, width, block, images, ranges;
    int done[SUM_RANGES]; /* each range's own flag: set once its images are written */
    int64_t kh, kw, s0, s1, pad0, pad1, ho, wo;
} FewWork;

/*
 * The output of the zoo's decoder layer (4x4 taps, stride 2, pad 1: twice the input's size) gathered: output
 * pixel 2q (2q+1) of a row takes taps 1 and 3 (0 and 2) of kernel row ky from input pixels q and q-1 (q+1 and
 * q), so each output is written once, its sum in the order the general scatter adds (kernel rows, then taps).
 */
static void few_channel_gather(const FewWork *w, const float *z, int64_t m, float *plane) {
    const int64_t width = w->width, columns = w->filters * 16;
    for (int64_t oy = 0; oy < w->ho; oy++) {
        const float *rows[2];
        int64_t found = 0;
        for (int64_t ky = (oy + 1) % 2; ky < 4; ky += 2) {
            const int64_t iy = (oy + 1 - ky) / 2;
            if (iy >= 0 && iy < w->height) rows[found++] = z + iy * width * columns + m * 16 + ky * 4;
        }
        float *restrict line = plane + oy * w->wo;
        const float bias = w->bias[m];
        for (int64_t q = 0; q < width; q++) {
            float even = bias, odd = bias;
            for (int64_t r = 0; r < found; r++) {
                const float *at = rows[r] + q * columns;
                even += at[1];
                if (q > 0) even += at[3 - columns];
                if (q + 1 < width) odd += at[columns];
                odd += at[2];
            }
            line[2 * q] = even;
            line[2 * q + 1] = odd;
        }
    }
}

/* Any other geometry: tap after tap, each input row's pixels onto every s1-th output pixel of one row. */
static void few_channel_scatter(const FewWork *w, const float *z, int64_t m, float *plane) {
    const int64_t taps = w->kh * w->kw, columns = w->filters * taps;
    for (int64_t q = 0; q < w->ho * w->wo; q++) plane[q] = w->bias[m];
    for (int64_t i = 0; i < w->kh; i++) {
        for (int64_t j = 0; j < w->kw; j++) {
            const float *zc = z + m * taps + i * w->kw + j;
            const int64_t first = w->pad1 - j > 0 ? (w->pad1 - j + w->s1 - 1) / w->s1 : 0;
            const int64_t reach = w->wo - 1 + w->pad1 - j;
            const int64_t end = reach < 0 ? 0 : (reach / w->s1 + 1 < w->width ? reach / w->s1 + 1 : w->width);
            for (int64_t iy = 0; iy < w->height; iy++) {
                const int64_t oy = w->s0 * iy + i - w->pad0;
                if (oy < 0 || oy >= w->ho) continue;
                float *restrict row = plane + oy * w->wo + j - w->pad1;
                const float *restrict zrow = zc + iy * w->width * columns;
                for (int64_t ix = first; ix < end; ix++) row[w->s1 * ix] += zrow[ix * columns];
            }
        }
    }
}

/*
 * One image: every input pixel's contribution to each tap at once, z[p, (m, i, j)] = sum over all channels c of
 * x[c, p] * w[c, m, i, j] (one pass over the channel blocks as they lie, vaelab_gemm.c), then the contributions
 * onto the output with its bias.
 */
static void few_channel_one(const FewWork *w, int64_t n, float *z) {
    const int64_t positions = w->height * w->width, columns = w->filters * w->kh * w->kw;
    const float *image = w->x + n * w->channels * positions;
    vaelab_gemm_kblocked(positions, columns, w->channels, image, w->block, w->w, columns, z, columns);
    const int gather = w->kh == 4 && w->kw == 4 && w->s0 == 2 && w->s1 == 2 && w->pad0 == 1 && w->pad1 == 1
            && w->ho == 2 * w->height && w->wo == 2 * w->width;
    float *out = w->y + n * w->filters * w->ho * w->wo;
    for (int64_t m = 0; m < w->filters; m++) {
        float *plane = out + m * w->ho * w->wo;
        if (gather) {
            few_channel_gather(w, z, m, plane);
        } else {
            few_channel_scatter(w, z, m, plane);
        }
    }
}

/* a fixed range of images, one buffer for their contributions; a range that cannot have one stays undone */
static void few_channel_range(void *data, size_t range) {
    FewWork *w = data;
    const int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    float *z = malloc(sizeof(float) * (size_t)(w->height * w->width * w->filters * w->kh * w->kw));
    if (z == NULL) return;
    for (int64_t n = first; n < end; n++) few_channel_one(w, n, z);
    free(z);
    w->done[range] = 1;
}

static OrtStatus *few_channel_compute(const Kernel *kernel, OrtKernelContext *context) {
    View x, wt, bias;
    TRY(input(context, 0, &x));
    TRY(input(context, 1, &wt));
    TRY(input(context, 2, &bias));
    const int64_t *g = kernel->geometry;
    FewWork work = {.kh = g[0], .kw = g[1], .s0 = g[2], .s1 = g[3], .pad0 = g[4], .pad1 = g[5], .ho = g[6],
                    .wo = g[7], .block = g[8]};
    if (x.rank != 4 || wt.rank != 4 || bias.rank != 1 || work.block < 1 || x.dims[1] % work.block != 0
            || wt.dims[0] != x.dims[1] || wt.dims[2] != g[0] || wt.dims[3] != g[1] || bias.dims[0] != wt.dims[1]
            || g[2] < 1 || g[3] < 1 || g[4] < 0 || g[5] < 0 || g[6] < 1 || g[7] < 1) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.FewChannelDeconv: x must be [N, C, H, W] in blocks, w [C, M, kH, kW] and bias [M] as the geometry says");
    }
    work.x = x.data;
    work.w = wt.data;
    work.bias = bias.data;
    work.channels = x.dims[1];
    work.height = x.dims[2];
    work.width = x.dims[3];
    work.filters = wt.dims[1];
    int64_t dims[4] = {x.dims[0], work.filters, work.ho, work.wo};
    OrtValue *value;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, dims, 4, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&work.y));
    work.images = x.dims[0];
    work.ranges = sum_ranges(work.images);
    if (work.ranges > 0) {
        TRY(API(SLOT_KERNEL_CONTEXT_PARALLEL_FOR, ParallelForFn)(context, few_channel_range, (size_t)work.ranges, 0, &work));
    }
    for (int64_t r = 0; r < work.ranges; r++) {
        if (!work.done[r]) return fail(STATUS_FAIL, "ai.vaelab.FewChannelDeconv: out of memory");
    }
    return NULL;
}

/*
 * FewChannelConvReluGrad(x [N, C, H, W] in NCHW with C below a block, w [M, C, kH, kW], y [N, M, Ho, Wo] in NCHWc
 * blocks of B; geometry as im2col_into's (kH, kW, s0, s1, d0, d1, pad0, pad1, Ho, Wo), then B) -> (dx, db): the
 * convolution of x by w (no bias), times the ReLU mask of y (y > 0), into dx in blocks like y, and its sums per
 * channel over images and positions, db [M]: a decoder's image layer's input gradient (a grey image's gradient
 * convolved back to the 32 channels of the layer before) and that layer's ReLU gradient and bias gradient. ORT's
 * NCHWc Conv wrote the convolution and ReluGradBias read it back with y (1.4 + 2.5 ms of a Burgess step). Per image:
 * the im2col columns [Ho*Wo, kH*kW*C], then per block of B filters their product into [Ho*Wo, B] (the block as dx
 * lays it out), masked and summed as it is stored (vaelab_gemm_masked16; elsewhere a GEMM and relu_grad_block), the
 * sums in ReluGradBias's order (its ranges of images, each block's lanes in position order). The convolution's sums
 * run over taps, then channels, so dx equals ORT's to float rounding.
 */
typedef struct {
    const float *x, *w, *mask;
    float *dx;
    float *partial[SUM_RANGES];
    int64_t images, ranges, channels, height, width, filters, block;
    int64_t g[GEOMETRY];
} ConvMaskWork;

static void conv_mask_range(void *data, size_t range) {
    ConvMaskWork *w = data;
    const int64_t *g = w->g, c = w->channels, h = w->height, wd = w->width, b = w->block, filters = w->filters;
    const int64_t positions = g[8] * g[9], taps = g[0] * g[1], k = taps * c, blocks = filters / b;
    const int64_t first = w->images * (int64_t)range / w->ranges, end = w->images * ((int64_t)range + 1) / w->ranges;
    float *sums = calloc((size_t)filters, sizeof(float));
    float *columns = malloc(sizeof(float) * (size_t)(positions * k));
    const int needs_last = im2col_needs_last(c, 0);
    float *last = needs_last ? malloc(sizeof(float) * (size_t)(h * wd * c)) : NULL;
    float *product = malloc(sizeof(float) * (size_t)(positions * b));
    float *filter = malloc(sizeof(float) * (size_t)(k * filters));
    if (sums == NULL || columns == NULL || (needs_last && last == NULL) || product == NULL || filter == NULL) {
        free(sums);
        free(columns);
        free(last);
        free(product);
        free(filter);
        return; /* its partial stays NULL: the call fails */
    }
    /* the filters as the columns' GEMM reads them: [kH*kW*C, M], row t*C + ch */
    for (int64_t f = 0; f < filters; f++) {
        for (int64_t ch = 0; ch < c; ch++) {
            for (int64_t t = 0; t < taps; t++) filter[(t * c + ch) * filters + f] = w->w[(f * c + ch) * taps + t];
        }
    }
    for (int64_t n = first; n < end; n++) {
        im2col_into(w->x + n * c * h * wd, c, h, wd, g, 0, last, columns);
        for (int64_t mb = 0; mb < blocks; mb++) {
            const int64_t at = (n * blocks + mb) * positions * b;
            if (b == 16 && vaelab_gemm_masked16(positions, k, columns, filter + mb * b, filters, w->mask + at, w->dx + at,
                                                sums + mb * b)) {
                continue;
            }
            for (int64_t i = 0; i < positions * b; i++) product[i] = 0.0f;
            vaelab_gemm_acc(positions, b, k, columns, k, 0, filter + mb * b, filters, product, b);
            relu_grad_block(positions, b, product, w->mask + at, w->dx + at, sums + mb * b);
        }
    }
    free(columns);
    free(last);
    free(product);
    free(filter);
    w->partial[range] = sums;
}

static OrtStatus *conv_mask_compute(const Kernel *kernel, OrtKernelContext *context) {
    View x, wt, y;
    ConvMaskWork work = {0};
    TRY(input(context, 0, &x));
    TRY(input(context, 1, &wt));
    TRY(input(context, 2, &y));
    memcpy(work.g, kernel->geometry, sizeof(int64_t) * 10);
    work.block = kernel->geometry[10];
    const int64_t *g = work.g;
    if (!valid_geometry(work.g) || work.block < 1 || x.rank != 4 || wt.rank != 4 || y.rank != 4 || wt.dims[1] != x.dims[1]
            || wt.dims[2] != g[0] || wt.dims[3] != g[1] || wt.dims[0] % work.block != 0 || y.dims[0] != x.dims[0]
            || y.dims[1] != wt.dims[0] || y.dims[2] != g[8] || y.dims[3] != g[9]) {
        return fail(STATUS_INVALID_ARGUMENT,
                    "ai.vaelab.FewChannelConvReluGrad: x must be [N, C, H, W], w [M, C, kH, kW] and y [N, M, Ho, Wo] as the geometry says");
    }
    work.x = x.data;
    work.w = wt.data;
    work.mask = y.data;
    work.images = x.dims[0];
    work.channels = x.dims[1];
    work.height = x.dims[2];
    work.width = x.dims[3];
    work.filters = wt.dims[0];
    work.ranges = sum_ranges(work.images);
    OrtValue *value;
    float *db;
    TRY(output_like(context, 0, &y, &work.dx));
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 1, &work.filters, 1, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&db));
    return add_partial_sums(context, conv_mask_range, &work, work.ranges, work.partial, db, work.filters,
                            "ai.vaelab.FewChannelConvReluGrad: out of memory");
}

/*
 * NchwcFilter(w; geometry (F, C, kH, kW, B, mode, s0, s1, pad0, pad1)) -> the filters of ORT's NCHWc Conv
 * (NchwcConvolutions), in blocks of B output channels and Bc = B input channels (1 where C < B):
 *   mode 0, a Conv's weights w [F, C, kH, kW] -> [F/B, C/Bc, kH, kW, Bc, B], declared [F, C, kH, kW];
 *   mode 1, a ConvTranspose's weights w [C, F, kH, kW] -> the s0*s1 filters of its stride-1 phases, row
 *   phase major, each [F/B, C/Bc, T0, T1, Bc, B] of the taps t0 + s*(T - 1 - a), T = k/s,
 *   t0 = (phase + pad) mod s, stacked and declared [s0*s1*F, C, T0, T1].
 * Moves values only; what a Gather of the flattened weights by a table does, without ORT's per-value cost.
 */
static OrtStatus *filter_compute(const Kernel *kernel, OrtKernelContext *context) {
    View w;
    TRY(input(context, 0, &w));
    const int64_t *g = kernel->geometry;
    const int64_t f = g[0], c = g[1], kh = g[2], kw = g[3], b = g[4], mode = g[5], s0 = g[6], s1 = g[7];
    const int64_t pad0 = g[8], pad1 = g[9];
    const int64_t cb = c < b ? 1 : b;
    if (w.rank != 4 || b < 1 || f % b != 0 || c % cb != 0 || (mode != 0 && mode != 1) || s0 < 1 || s1 < 1
            || kh % s0 != 0 || kw % s1 != 0 || pad0 < 0 || pad1 < 0
            || w.dims[0] != (mode == 0 ? f : c) || w.dims[1] != (mode == 0 ? c : f) || w.dims[2] != kh || w.dims[3] != kw) {
        return fail(STATUS_INVALID_ARGUMENT, "ai.vaelab.NchwcFilter: the weights do not match the geometry");
    }
    const int64_t phases = mode == 0 ? 1 : s0 * s1, t0n = mode == 0 ? kh : kh / s0, t1n = mode == 0 ? kw : kw / s1;
    int64_t dims[4] = {phases * f, c, t0n, t1n};
    OrtValue *value;
    float *out;
    TRY(API(SLOT_KERNEL_CONTEXT_GET_OUTPUT, GetOutputFn)(context, 0, dims, 4, &value));
    TRY(API(SLOT_GET_TENSOR_MUTABLE_DATA, MutableDataFn)(value, (void **)&out));
    for (int64_t phase = 0; phase < phases; phase++) {
        const int64_t ph = phase / s1, pw = phase % s1;
        for (int64_t fb = 0; fb < f / b; fb++) {
            for (int64_t cblock = 0; cblock < c / cb; cblock++) {
                for (int64_t a = 0; a < t0n; a++) {
                    const int64_t row = mode == 0 ? a : (ph + pad0) % s0 + s0 * (t0n - 1 - a);
                    for (int64_t e = 0; e < t1n; e++) {
                        const int64_t col = mode == 0 ? e : (pw + pad1) % s1 + s1 * (t1n - 1 - e);
                        for (int64_t ci = 0; ci < cb; ci++) {
                            const int64_t ch = cblock * cb + ci;
                            for (int64_t fo = 0; fo < b; fo++) {
                                const int64_t fi = fb * b + fo;
                                const int64_t from = mode == 0 ? ((fi * c + ch) * kh + row) * kw + col
                                                               : ((ch * f + fi) * kh + row) * kw + col;
                                *out++ = w.data[from];
                            }
                        }
                    }
                }
            }
        }
    }
    return NULL;
}

/* ORT's callbacks, shared by the operators: every input and output a required float tensor on the CPU */
static const char *op_name(const CustomOp *op) { return op->name; }
static const char *op_provider(const CustomOp *op) { (void)op; return "CPUExecutionProvider"; }
static int op_float(const CustomOp *op, size_t index) { (void)op; (void)index; return ELEMENT_FLOAT; }
static int op_input_type(const CustomOp *op, size_t index) {
    return op->variadic & BYTES_IN && index == 0 ? ELEMENT_UINT8 : ELEMENT_FLOAT;
}
static size_t op_inputs(const CustomOp *op) { return op->variadic & VARIADIC_INPUTS ? 1 : op->inputs; }
static size_t op_outputs(const CustomOp *op) { return op->variadic & VARIADIC_OUTPUTS ? 1 : op->outputs; }
static int op_output_kind(const CustomOp *op, size_t index) {
    (void)index;
    return op->variadic & VARIADIC_OUTPUTS ? IO_VARIADIC : IO_REQUIRED;
}
static int op_input_kind(const CustomOp *op, size_t index) {
    (void)index;
    return op->variadic & VARIADIC_INPUTS ? IO_VARIADIC : IO_REQUIRED;
}
static int op_memory(const CustomOp *op, size_t index) { (void)op; (void)index; return MEMORY_DEFAULT; }
static int op_arity(const CustomOp *op) { (void)op; return 1; }
static int op_homogeneous(const CustomOp *op) { (void)op; return 1; }
static int op_start(const CustomOp *op) { (void)op; return 1; }
static int op_end(const CustomOp *op) { (void)op; return INT_MAX; }
static OrtStatus *op_create_v2(const CustomOp *op, const void *api_, const OrtKernelInfo *info, void **out) {
    (void)api_;
    Kernel *kernel = calloc(1, sizeof *kernel);
    if (kernel == NULL) return fail(STATUS_FAIL, "ai.vaelab: out of memory");
    kernel->op = op;
    if (op->geometry > 0) {
        size_t size = GEOMETRY;
        OrtStatus *status = API(SLOT_KERNEL_INFO_GET_ATTRIBUTE_ARRAY_INT64, AttributeArrayFn)(info, "geometry",
                                                                                            kernel->geometry, &size);
        if (status == NULL && size != op->geometry) {
            status = fail(STATUS_INVALID_ARGUMENT, "ai.vaelab: the geometry attribute has the wrong number of values");
        }
        if (status != NULL) {
            free(kernel);
            return status;
        }
    }
    *out = kernel;
    return NULL;
}
/* ORT calls the V2 callbacks (version 16 and later); the V1 ones are filled in for completeness */
static void *op_create(const CustomOp *op, const void *api_, const OrtKernelInfo *info) {
    void *kernel = NULL;
    return op_create_v2(op, api_, info, &kernel) == NULL ? kernel : NULL;
}
static OrtStatus *op_compute_v2(void *kernel, OrtKernelContext *context) {
    const Kernel *k = kernel;
    return k->op->compute(k, context);
}
static void op_compute(void *kernel, OrtKernelContext *context) { (void)op_compute_v2(kernel, context); }
static void op_destroy(void *kernel) { free(kernel); }

#define OPERATOR(NAME, INPUTS, OUTPUTS, COMPUTE, GEOMETRY_VALUES, VARIADIC)                                       \
    {API_VERSION, op_create, op_name, op_provider, op_input_type, op_inputs, op_float, op_outputs, op_compute, \
     op_destroy, op_input_kind, op_output_kind, op_memory, op_arity, op_homogeneous, op_arity, op_homogeneous,   \
     op_create_v2, op_compute_v2, NULL, op_start, op_end, NULL, NULL, NULL, NULL, NAME, INPUTS, OUTPUTS, COMPUTE, \
     GEOMETRY_VALUES, VARIADIC}

static const CustomOp operators[] = {
    OPERATOR("AdamStep", 0, 0, adam_compute, 0, VARIADIC_INPUTS | VARIADIC_OUTPUTS),
    OPERATOR("AdamStepInPlace", 0, 1, adam_compute, 0, VARIADIC_INPUTS),
    OPERATOR("ReluGrad", 2, 1, relu_grad_compute, 0, 0),
    OPERATOR("InterleavePhases", 0, 1, interleave_compute, 5, VARIADIC_INPUTS),
    OPERATOR("InterleaveReluGrad", 0, 2, interleave_grad_compute, 4, VARIADIC_INPUTS),
    OPERATOR("ConvWeightGrad", 2, 1, weight_grad_compute, 12, 0),
    OPERATOR("FewChannelDeconv", 3, 1, few_channel_compute, 9, 0),
    OPERATOR("FewChannelConvReluGrad", 3, 2, conv_mask_compute, 11, 0),
    OPERATOR("NchwcFilter", 1, 1, filter_compute, 10, 0),
    OPERATOR("ReluGradBias", 2, 2, relu_bias_compute, 1, 0),
    OPERATOR("SigmoidLogLikelihood", 2, 1, sigmoid_ll_compute, 0, 0),
    OPERATOR("SigmoidLogLikelihoodGrad", 3, 1, sigmoid_ll_grad_compute, 0, 0),
    OPERATOR("ColumnSum", 1, 1, column_sum_compute, 0, 0),
    OPERATOR("ChannelSum", 1, 1, channel_sum_compute, 0, 0),
    OPERATOR("ByteIntensities", 1, 1, byte_intensities_compute, 0, BYTES_IN),
    OPERATOR("GaussianSample", 2, 1, gaussian_sample_compute, 0, 0),
    OPERATOR("GaussianSampleGrad", 3, 1, gaussian_sample_grad_compute, 0, 0),
    OPERATOR("GaussianKl", 1, 1, gaussian_kl_compute, 0, 0),
    OPERATOR("GaussianKlGrad", 2, 1, gaussian_kl_grad_compute, 0, 0),
};

/* The entry point ORT's RegisterCustomOpsLibrary calls. */
__attribute__((visibility("default"))) OrtStatus *RegisterCustomOps(OrtSessionOptions *options, const OrtApiBase *base) {
    if (api == NULL) {
        api = base->GetApi(API_VERSION);
        if (api == NULL) return NULL; /* cannot happen with ORT 1.17 or later; nothing registered, ORT then rejects the model */
    }
    OrtCustomOpDomain *domain;
    TRY(API(SLOT_CREATE_CUSTOM_OP_DOMAIN, CreateDomainFn)("ai.vaelab", &domain));
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
        TRY(API(SLOT_CUSTOM_OP_DOMAIN_ADD, DomainAddFn)(domain, &operators[i]));
    }
    return API(SLOT_ADD_CUSTOM_OP_DOMAIN, AddDomainFn)(options, domain);
}
