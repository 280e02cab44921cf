package dev.vaelab.onnx.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A builder for one ONNX graph (or a subgraph such as a {@code Loop} body) that tracks static
 * shapes. Each operator method checks its operands, infers the output shape and appends a
 * {@link Node}; nodes are kept in creation order, which is a topological order.
 *
 * <p>Constants created by {@link #scalar(double)} and friends take the graph's floating type, so the
 * same model code builds float32 training graphs and float64 graphs for gradient checks.
 */
public final class Graph {
    private final DType floatType;
    private final Graph parent;
    private final AtomicLong names;
    /** The fused operators used by this graph and its subgraphs, by op type: shared, as are the names. */
    private final Map<String, FusedOperator> fused;
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> outputs = new LinkedHashMap<>();

    public Graph(DType floatType) {
        this(floatType, null, new AtomicLong(), new java.util.HashMap<>());
    }

    private Graph(DType floatType, Graph parent, AtomicLong names, Map<String, FusedOperator> fused) {
        if (!floatType.isFloating()) {
            throw new IllegalArgumentException("a graph's float type must be FLOAT or DOUBLE");
        }
        this.floatType = floatType;
        this.parent = parent;
        this.names = names;
        this.fused = fused;
    }

    /** A subgraph (e.g. a Loop body) whose nodes may read this graph's values by name. */
    public Graph subgraph() {
        return new Graph(floatType, this, names, fused);
    }

    public DType floatType() {
        return floatType;
    }

    public Graph parent() {
        return parent;
    }

    public List<Tensor> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Graph outputs by name, in declaration order. */
    public Map<String, Tensor> outputs() {
        return Collections.unmodifiableMap(outputs);
    }

    /** Whether {@code t} belongs to this graph or one of its ancestors (visible from here). */
    public boolean sees(Tensor t) {
        for (Graph g = this; g != null; g = g.parent) {
            if (t.graph() == g) {
                return true;
            }
        }
        return false;
    }

    // ---- graph interface -------------------------------------------------------------------

    public Tensor input(String name, DType dtype, Shape shape) {
        Tensor t = new Tensor(this, name, dtype, shape);
        inputs.add(t);
        return t;
    }

    /**
     * Declares {@code t} as a graph output called {@code name}. No node is added: the serializer
     * names the producing node's output after the graph output (an Identity node would copy the
     * tensor, which for a training step's parameters and moments costs a pass over all of them).
     */
    public Tensor output(String name, Tensor t) {
        if (outputs.containsKey(name)) {
            throw new IllegalArgumentException("duplicate graph output " + name);
        }
        outputs.put(name, check(t));
        return t;
    }

    // ---- constants --------------------------------------------------------------------------

    /** A scalar of the graph's float type. */
    public Tensor scalar(double value) {
        return constant(new ConstantValue(floatType, new long[0], new double[] {value}, null));
    }

    /** A float constant of the graph's float type with the given shape. */
    public Tensor constant(double[] values, long... shape) {
        if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
            throw new IllegalArgumentException("constant of " + values.length + " values for shape " + Arrays.toString(shape));
        }
        return constant(new ConstantValue(floatType, shape, values, null));
    }

    /** A 1-D int64 constant, as shape, axes and index operands take. */
    public Tensor longs(long... values) {
        return constant(new ConstantValue(DType.INT64, new long[] {values.length}, null, values));
    }

    public Tensor longScalar(long value) {
        return constant(new ConstantValue(DType.INT64, new long[0], null, new long[] {value}));
    }

    private Tensor constant(ConstantValue value) {
        return add("Constant", List.of(), value.dtype(), Shape.of(value.shape()), Map.of("value", value));
    }

    // ---- element-wise -----------------------------------------------------------------------

    public Tensor add(Tensor a, Tensor b) {
        return binary("Add", a, b);
    }

    public Tensor sub(Tensor a, Tensor b) {
        return binary("Sub", a, b);
    }

    public Tensor mul(Tensor a, Tensor b) {
        return binary("Mul", a, b);
    }

    public Tensor div(Tensor a, Tensor b) {
        return binary("Div", a, b);
    }

    public Tensor add(Tensor a, double b) {
        return add(a, scalar(b));
    }

    public Tensor mul(Tensor a, double b) {
        return mul(a, scalar(b));
    }

    public Tensor pow(Tensor a, Tensor b) {
        return add("Pow", List.of(a, b), a.dtype(), Shape.broadcast(a.shape(), b.shape()), Map.of());
    }

    public Tensor max(Tensor a, Tensor b) {
        return binary("Max", a, b);
    }

    public Tensor min(Tensor a, Tensor b) {
        return binary("Min", a, b);
    }

    public Tensor neg(Tensor x) {
        return unary("Neg", x);
    }

    public Tensor exp(Tensor x) {
        return unary("Exp", x);
    }

    public Tensor log(Tensor x) {
        return unary("Log", x);
    }

    public Tensor sqrt(Tensor x) {
        return unary("Sqrt", x);
    }

    public Tensor abs(Tensor x) {
        return unary("Abs", x);
    }

    public Tensor sign(Tensor x) {
        return unary("Sign", x);
    }

    public Tensor square(Tensor x) {
        return mul(x, x);
    }

    public Tensor reciprocal(Tensor x) {
        return unary("Reciprocal", x);
    }

    public Tensor relu(Tensor x) {
        return unary("Relu", x);
    }

    public Tensor leakyRelu(Tensor x, double alpha) {
        return add("LeakyRelu", List.of(x), x.dtype(), x.shape(), Map.of("alpha", alpha));
    }

    public Tensor elu(Tensor x, double alpha) {
        return add("Elu", List.of(x), x.dtype(), x.shape(), Map.of("alpha", alpha));
    }

    public Tensor tanh(Tensor x) {
        return unary("Tanh", x);
    }

    public Tensor sigmoid(Tensor x) {
        return unary("Sigmoid", x);
    }

    /**
     * log(1 + e^x), computed stably as {@code relu(x) - log(sigmoid(|x|))}: ORT's Softplus kernel
     * is slow, and this form never overflows. Differentiated as a whole (d/dx = sigmoid(x)).
     */
    public Tensor softplus(Tensor x) {
        return unary(Composites.SOFTPLUS, x);
    }

    /** log(sigmoid(x)) = -softplus(-x), stable for every x. */
    public Tensor logSigmoid(Tensor x) {
        return neg(softplus(neg(x)));
    }

    /** {@code cond ? a : b}; cond is boolean; not differentiated with respect to cond. */
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Shape s = Shape.broadcast(cond.shape(), Shape.broadcast(a.shape(), b.shape()));
        return add("Where", List.of(cond, a, b), a.dtype(), s, Map.of());
    }

    public Tensor greater(Tensor a, Tensor b) {
        return add("Greater", List.of(a, b), DType.BOOL, Shape.broadcast(a.shape(), b.shape()), Map.of());
    }

    public Tensor cast(Tensor x, DType to) {
        return add("Cast", List.of(x), to, x.shape(), Map.of("to", (long) to.onnxCode()));
    }

    /**
     * Rounds to the nearest integer, halves to even. No gradient rule: use it only where no gradient
     * flows, e.g. on data (the intensity level of a pixel).
     */
    public Tensor round(Tensor x) {
        return unary("Round", x);
    }

    /**
     * The inclusive running sum along {@code axis}. No gradient rule: for samplers and other graphs
     * that are never differentiated.
     */
    public Tensor cumSum(Tensor x, long axis) {
        int ax = (int) (axis < 0 ? axis + x.rank() : axis);
        return add("CumSum", List.of(x, longScalar(ax)), x.dtype(), x.shape(), Map.of());
    }

    // ---- linear algebra ---------------------------------------------------------------------

    /** 2-D matrix product {@code a · b}. */
    public Tensor matmul(Tensor a, Tensor b) {
        require(a.rank() == 2 && b.rank() == 2, "MatMul takes 2-D operands, got %s and %s", a, b);
        requireSame(a.shape().dim(1), b.shape().dim(0), "MatMul inner dimensions", a, b);
        return add("MatMul", List.of(a, b), a.dtype(), Shape.of(a.shape().dim(0), b.shape().dim(1)), Map.of());
    }

    /** {@code alpha · op(a) · op(b) + beta · c}, where op transposes when asked; c may be null. */
    public Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, double alpha, double beta) {
        require(a.rank() == 2 && b.rank() == 2, "Gemm takes 2-D operands, got %s and %s", a, b);
        long m = a.shape().dim(transA ? 1 : 0);
        long k = a.shape().dim(transA ? 0 : 1);
        long k2 = b.shape().dim(transB ? 1 : 0);
        long n = b.shape().dim(transB ? 0 : 1);
        requireSame(k, k2, "Gemm inner dimensions", a, b);
        Shape out = Shape.of(m, n);
        List<Tensor> ins = new ArrayList<>(List.of(a, b));
        if (c != null) {
            Shape.broadcast(out, c.shape()); // validates unidirectional broadcast
            ins.add(c);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("transA", transA ? 1L : 0L);
        attrs.put("transB", transB ? 1L : 0L);
        attrs.put("alpha", alpha);
        attrs.put("beta", beta);
        return add("Gemm", ins, a.dtype(), out, attrs);
    }

    /** A dense layer {@code x · w + b} as one Gemm. */
    public Tensor linear(Tensor x, Tensor w, Tensor b) {
        return gemm(x, w, b, false, false, 1.0, 1.0);
    }

    // ---- reductions and shape ---------------------------------------------------------------

    public Tensor reduceSum(Tensor x, boolean keepDims, long... axes) {
        long[] norm = normalizeAxes(axes, x.rank());
        return add("ReduceSum", List.of(x, longs(norm)), x.dtype(), reducedShape(x.shape(), norm, keepDims),
                Map.of("keepdims", keepDims ? 1L : 0L));
    }

    /** Sum over every axis, to a scalar. */
    public Tensor sumAll(Tensor x) {
        long[] all = new long[x.rank()];
        Arrays.setAll(all, i -> i);
        return x.rank() == 0 ? x : reduceSum(x, false, all);
    }

    public Tensor reduceMean(Tensor x, boolean keepDims, long... axes) {
        long[] norm = normalizeAxes(axes, x.rank());
        return add("ReduceMean", List.of(x), x.dtype(), reducedShape(x.shape(), norm, keepDims),
                Map.of("axes", norm, "keepdims", keepDims ? 1L : 0L));
    }

    /**
     * The maximum over {@code axes}. No gradient rule: use it only where no gradient flows, such as
     * the shift of a log-sum-exp taken through an integer cast.
     */
    public Tensor reduceMax(Tensor x, boolean keepDims, long... axes) {
        long[] norm = normalizeAxes(axes, x.rank());
        return add("ReduceMax", List.of(x), x.dtype(), reducedShape(x.shape(), norm, keepDims),
                Map.of("axes", norm, "keepdims", keepDims ? 1L : 0L));
    }

    /**
     * {@code log Σ exp(x)} over {@code axis}, shifted by the maximum so that no exp overflows or all
     * underflow. The shift is taken through an integer cast, so no gradient flows through it (its
     * exact gradient cancels anyway), and the gradient is {@code softmax(x)·dy} by the rules of
     * Sub, Exp, ReduceSum, Log and Add.
     */
    public Tensor logSumExp(Tensor x, long axis, boolean keepDims) {
        Tensor shift = cast(cast(reduceMax(x, true, axis), DType.INT64), x.dtype());
        Tensor sum = reduceSum(exp(sub(x, shift)), keepDims, axis);
        Tensor outShift = keepDims ? shift : cast(cast(reduceMax(x, false, axis), DType.INT64), x.dtype());
        return add(log(sum), outShift);
    }

    public Tensor concat(long axis, Tensor... xs) {
        require(xs.length > 0, "Concat needs operands");
        int rank = xs[0].rank();
        int ax = (int) (axis < 0 ? axis + rank : axis);
        long[] dims = xs[0].shape().dims();
        long total = 0;
        for (Tensor t : xs) {
            require(t.rank() == rank, "Concat operands differ in rank: %s", Arrays.toString(xs));
            long d = t.shape().dim(ax);
            require(d >= 0, "Concat along a symbolic axis is not supported: %s", t);
            total += d;
        }
        dims[ax] = total;
        return add("Concat", List.of(xs), xs[0].dtype(), Shape.of(dims), Map.of("axis", (long) ax));
    }

    /** Elements {@code [start, end)} along {@code axis} (static bounds, step 1). */
    public Tensor slice(Tensor x, long axis, long start, long end) {
        int ax = (int) (axis < 0 ? axis + x.rank() : axis);
        long size = x.shape().dim(ax);
        require(size >= 0 && 0 <= start && start < end && end <= size,
                "Slice [%d, %d) out of range for axis %d of %s", start, end, ax, x);
        long[] dims = x.shape().dims();
        dims[ax] = end - start;
        return add("Slice", List.of(x, longs(start), longs(end), longs(ax)), x.dtype(), Shape.of(dims), Map.of());
    }

    /** Reshape to a static target where {@link Shape#BATCH} copies the batch axis (ONNX 0). */
    public Tensor reshape(Tensor x, Shape to) {
        long[] spec = to.dims();
        for (int i = 0; i < spec.length; i++) {
            if (Shape.isSymbolic(spec[i])) {
                require(i < x.rank() && x.shape().dim(i) == spec[i],
                        "Reshape keeps a symbolic axis only in place: %s to %s", x, to);
                spec[i] = 0;
            }
        }
        if (x.shape().isStatic() && to.isStatic()) {
            require(x.shape().size() == to.size(), "Reshape %s to %s changes the element count", x, to);
        }
        return add("Reshape", List.of(x, longs(spec)), x.dtype(), to, Map.of());
    }

    /**
     * Reshape with an ONNX shape spec (one -1 allowed) whose result merges or splits the batch
     * axis, e.g. [N, K, L] to [N·K, L]: the caller states the static shape, whose symbolic axis
     * then stands for the merged size. Used where rows of several examples are flattened together.
     */
    public Tensor reshapeMerging(Tensor x, long[] onnxShape, Shape result) {
        return add("Reshape", List.of(x, longs(onnxShape)), x.dtype(), result, Map.of());
    }

    /** Reshape to the runtime shape of {@code like} (used by gradients of reshapes). */
    public Tensor reshapeLike(Tensor x, Tensor like) {
        return add("Reshape", List.of(x, shapeOf(like)), x.dtype(), like.shape(), Map.of());
    }

    public Tensor transpose(Tensor x, long... perm) {
        require(perm.length == x.rank(), "Transpose perm %s for %s", Arrays.toString(perm), x);
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = x.shape().dim((int) perm[i]);
        }
        return add("Transpose", List.of(x), x.dtype(), Shape.of(dims), Map.of("perm", perm.clone()));
    }

    public Tensor identity(Tensor x) {
        return unary("Identity", x);
    }

    /**
     * The elements of {@code data} at the int64 {@code index} along {@code axis} (ONNX
     * GatherElements): index has data's rank, and the result its shape. Differentiable in data,
     * e.g. the logit of each pixel's observed level out of all levels.
     */
    public Tensor gatherElements(Tensor data, Tensor index, long axis) {
        require(index.rank() == data.rank() && index.dtype() == DType.INT64,
                "GatherElements takes an int64 index of the data's rank: %s and %s", data, index);
        int ax = (int) (axis < 0 ? axis + data.rank() : axis);
        return add("GatherElements", List.of(data, index), data.dtype(), index.shape(), Map.of("axis", (long) ax));
    }

    /**
     * A copy of {@code data} with {@code updates} added at the int64 {@code index} along
     * {@code axis} (ONNX ScatterElements with reduction add, so repeated indices accumulate). No
     * gradient rule: it is GatherElements' gradient.
     */
    public Tensor scatterAddElements(Tensor data, Tensor index, Tensor updates, long axis) {
        require(index.rank() == data.rank() && index.shape().equals(updates.shape()) && index.dtype() == DType.INT64,
                "ScatterElements takes an int64 index shaped like the updates, of the data's rank: %s, %s, %s",
                data, index, updates);
        int ax = (int) (axis < 0 ? axis + data.rank() : axis);
        return add("ScatterElements", List.of(data, index, updates), data.dtype(), data.shape(),
                Map.of("axis", (long) ax, "reduction", "add"));
    }

    /** Rows of {@code data} at {@code index} along axis 0; a scalar index drops the axis. */
    public Tensor gather(Tensor data, Tensor index) {
        Shape s = index.rank() == 0 ? data.shape().dropFirst() : null;
        require(s != null, "gather takes a scalar index");
        return add("Gather", List.of(data, index), data.dtype(), s, Map.of("axis", 0L));
    }

    public Tensor shapeOf(Tensor x) {
        return add("Shape", List.of(x), DType.INT64, Shape.of(x.rank()), Map.of());
    }

    /**
     * Broadcasts {@code x} to the shape of {@code like}: a constant where that shape is static (a
     * training step's), so that no Shape node runs at every step, else its runtime shape.
     */
    public Tensor expandLike(Tensor x, Tensor like) {
        Tensor shape = like.shape().isStatic() ? longs(like.shape().dims()) : shapeOf(like);
        return add("Expand", List.of(x, shape), x.dtype(), like.shape(), Map.of());
    }

    public Tensor unsqueeze(Tensor x, long... axes) {
        int rank = x.rank() + axes.length;
        long[] norm = normalizeAxes(axes, rank);
        long[] dims = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            final int axis = i;
            dims[i] = Arrays.stream(norm).anyMatch(a -> a == axis) ? 1 : x.shape().dim(j++);
        }
        return add("Unsqueeze", List.of(x, longs(norm)), x.dtype(), Shape.of(dims), Map.of());
    }

    /** Zero-pads {@code x}: {@code before[i]} and {@code after[i]} elements on axis i. */
    public Tensor pad(Tensor x, long[] before, long[] after) {
        long[] dims = x.shape().dims();
        long[] pads = new long[2 * dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (before[i] != 0 || after[i] != 0) {
                require(dims[i] >= 0, "Pad along a symbolic axis: %s", x);
                dims[i] += before[i] + after[i];
            }
            pads[i] = before[i];
            pads[i + dims.length] = after[i];
        }
        return add("Pad", List.of(x, longs(pads)), x.dtype(), Shape.of(dims), Map.of("mode", "constant"));
    }

    // ---- convolution ------------------------------------------------------------------------

    /** 2-D convolution (NCHW) with the same stride and symmetric padding on both axes; b may be null. */
    public Tensor conv(Tensor x, Tensor w, Tensor b, int stride, int padding) {
        return conv(x, w, b, ConvGeometry.of(stride, padding));
    }

    /**
     * 2-D convolution, group 1: x [N, C, H, W], w [M, C, kH, kW], optional bias b [M], to
     * [N, M, H', W'] with {@link ConvGeometry#convOutput}. The batch axis (and, in gradient graphs,
     * the channel axis) may be symbolic; the spatial axes must be static.
     */
    public Tensor conv(Tensor x, Tensor w, Tensor b, ConvGeometry geometry) {
        checkConvOperands("Conv", x, w, b, 1);
        Shape out = Shape.of(x.shape().dim(0), w.shape().dim(0),
                geometry.convOutput(0, x.shape().dim(2), w.shape().dim(2)),
                geometry.convOutput(1, x.shape().dim(3), w.shape().dim(3)));
        return add("Conv", convInputs(x, w, b), x.dtype(), out,
                geometry.attributes(w.shape().dim(2), w.shape().dim(3), false));
    }

    /** 2-D transposed convolution with the same stride, padding and output padding on both axes; b may be null. */
    public Tensor convTranspose(Tensor x, Tensor w, Tensor b, int stride, int padding, int outputPadding) {
        return convTranspose(x, w, b, ConvGeometry.of(stride, padding, outputPadding));
    }

    /**
     * 2-D transposed convolution (the adjoint of Conv), group 1: x [N, C, H, W], w [C, M, kH, kW]
     * (ONNX's layout: input channels first), optional bias b [M], to [N, M, H', W'] with
     * {@link ConvGeometry#transposeOutput}. Output padding must be less than the stride.
     */
    public Tensor convTranspose(Tensor x, Tensor w, Tensor b, ConvGeometry geometry) {
        checkConvOperands("ConvTranspose", x, w, b, 0);
        for (int axis = 0; axis < 2; axis++) {
            require(geometry.outputPadding(axis) < geometry.stride(axis),
                    "ConvTranspose output padding must be less than the stride: %s", geometry);
        }
        Shape out = Shape.of(x.shape().dim(0), w.shape().dim(1),
                geometry.transposeOutput(0, x.shape().dim(2), w.shape().dim(2)),
                geometry.transposeOutput(1, x.shape().dim(3), w.shape().dim(3)));
        return add("ConvTranspose", convInputs(x, w, b), x.dtype(), out,
                geometry.attributes(w.shape().dim(2), w.shape().dim(3), true));
    }

    /** Checks x [N, C, H, W] against w (C at {@code channelAxis}) and b (w's other channel axis). */
    private static void checkConvOperands(String op, Tensor x, Tensor w, Tensor b, int channelAxis) {
        require(x.rank() == 4 && w.rank() == 4, "%s takes 4-D input and weight (NCHW), got %s and %s", op, x, w);
        require(x.dtype() == w.dtype(), "%s of %s and %s: element types differ", op, x, w);
        requireSame(x.shape().dim(1), w.shape().dim(channelAxis), op + " input channels", x, w);
        for (int axis = 2; axis < 4; axis++) {
            require(x.shape().dim(axis) >= 0 && w.shape().dim(axis) > 0,
                    "%s needs static spatial sizes, got %s and %s", op, x, w);
        }
        if (b != null) {
            require(b.rank() == 1 && b.shape().dim(0) == w.shape().dim(1 - channelAxis) && b.dtype() == x.dtype(),
                    "%s bias %s does not match weight %s", op, b, w);
        }
    }

    private static List<Tensor> convInputs(Tensor x, Tensor w, Tensor b) {
        return b == null ? List.of(x, w) : List.of(x, w, b);
    }

    // ---- control flow -----------------------------------------------------------------------

    /**
     * An ONNX Loop running {@code body} up to {@code tripCount} times. The body's inputs are
     * (iteration, condition, carried...) and its outputs (condition, carried..., scanned...);
     * returns the final carried values followed by the scanned outputs stacked on a new axis
     * of {@link Shape#STEPS} length.
     */
    public List<Tensor> loop(Tensor tripCount, Graph body, List<Tensor> carriedInitial) {
        List<Tensor> bodyOuts = List.copyOf(body.outputs().values());
        int carried = carriedInitial.size();
        require(body.inputs().size() == carried + 2 && bodyOuts.size() >= carried + 1,
                "Loop body signature does not match %d carried values", carried);
        List<Tensor> ins = new ArrayList<>();
        ins.add(tripCount);
        ins.add(null); // no condition input: run tripCount iterations
        ins.addAll(carriedInitial);
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            Tensor init = carriedInitial.get(i);
            outs.add(new Tensor(this, fresh(), init.dtype(), init.shape()));
        }
        for (Tensor scanned : bodyOuts.subList(carried + 1, bodyOuts.size())) {
            outs.add(new Tensor(this, fresh(), scanned.dtype(), scanned.shape().prepend(Shape.STEPS)));
        }
        Node node = new Node("Loop", nullsAllowed(ins), outs, Map.of("body", body));
        nodes.add(node);
        return outs;
    }

    private static List<Tensor> nullsAllowed(List<Tensor> ins) {
        return Collections.unmodifiableList(new ArrayList<>(ins));
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private Tensor unary(String op, Tensor x) {
        return add(op, List.of(x), x.dtype(), x.shape(), Map.of());
    }

    private Tensor binary(String op, Tensor a, Tensor b) {
        require(a.dtype() == b.dtype(), "%s of %s and %s: element types differ", op, a, b);
        return add(op, List.of(a, b), a.dtype(), Shape.broadcast(a.shape(), b.shape()), Map.of());
    }

    /** Appends a node with one output; the entry point for every operator above. */
    /**
     * A node of fused operator {@code op} (see {@link FusedOperator}), registered with this graph
     * family on first use. Another operator under the same name is an error.
     */
    public Tensor fused(FusedOperator op, List<Tensor> ins, DType outType, Shape outShape, Map<String, Object> attrs) {
        register(op);
        return add(op.opType(), ins, outType, outShape, attrs);
    }

    /**
     * A node of fused operator {@code op} with one output per entry of {@code outputs} (each
     * tensor's type and shape taken from that entry), registered as above.
     */
    public List<Tensor> fused(FusedOperator op, List<Tensor> ins, List<Tensor> outputs, Map<String, Object> attrs) {
        register(op);
        ins.forEach(this::check);
        List<Tensor> outs = outputs.stream().map(like -> new Tensor(this, fresh(), like.dtype(), like.shape())).toList();
        nodes.add(new Node(op.opType(), ins, outs, attrs));
        return outs;
    }

    private void register(FusedOperator op) {
        FusedOperator known = fused.putIfAbsent(op.opType(), op);
        if (known != null && known != op) {
            throw new IllegalArgumentException("two fused operators named " + op.opType() + ": " + known + " and " + op);
        }
    }

    /** The fused operator this graph family registered as {@code opType}, if any. */
    public java.util.Optional<FusedOperator> fusedOperator(String opType) {
        return java.util.Optional.ofNullable(fused.get(opType));
    }

    public Tensor add(String op, List<Tensor> ins, DType outType, Shape outShape, Map<String, Object> attrs) {
        for (Tensor t : ins) {
            check(t);
        }
        Tensor out = new Tensor(this, fresh(), outType, outShape);
        nodes.add(new Node(op, ins, List.of(out), attrs));
        return out;
    }

    private Tensor check(Tensor t) {
        if (!sees(t)) {
            throw new IllegalArgumentException(t + " belongs to another graph");
        }
        return t;
    }

    private String fresh() {
        return "t" + names.incrementAndGet();
    }

    private static long[] normalizeAxes(long[] axes, int rank) {
        long[] out = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (out[i] < 0 || out[i] >= rank) {
                throw new IllegalArgumentException("axis " + axes[i] + " out of range for rank " + rank);
            }
        }
        Arrays.sort(out);
        return out;
    }

    private static Shape reducedShape(Shape s, long[] axes, boolean keepDims) {
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            final int axis = i;
            boolean reduced = Arrays.stream(axes).anyMatch(a -> a == axis);
            if (!reduced) {
                dims.add(s.dim(i));
            } else if (keepDims) {
                dims.add(1L);
            }
        }
        return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
    }

    private static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    private static void requireSame(long a, long b, String what, Tensor x, Tensor y) {
        require(a == b, "%s differ: %s and %s", what, x, y);
    }
}
