package dev.vaelab.onnx.autodiff;

import static dev.vaelab.onnx.autodiff.GradientChecker.check;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.onnx.SystemProperties;
import dev.vaelab.onnx.autodiff.GradientChecker.Operand;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every gradient rule of the engine, with {@link GradientChecker}.
 */
class GradientCheckTest {
    @AfterAll
    static void everyRuleWasChecked() {
        // Where's gradient is exercised through LeakyRelu/Elu too, but is checked directly as well.
        Set<String> missing = new LinkedHashSet<>(GradientRules.differentiableOps());
        missing.removeAll(GradientChecker.checked());
        assertTrue(missing.isEmpty(), "gradient rules without a finite-difference check: " + missing);
    }

    @Test
    void elementwiseBinaryWithBroadcasting() {
        check("Add", ops -> ops.g().add(ops.x(0), ops.x(1)), Operand.of(-2, 2, 3, 4), Operand.of(-2, 2, 4));
        check("Add", ops -> ops.g().add(ops.x(0), ops.x(1)), Operand.batched(3, -2, 2, 4), Operand.of(-2, 2, 1, 4));
        check("Sub", ops -> ops.g().sub(ops.x(0), ops.x(1)), Operand.of(-2, 2, 3, 4), Operand.of(-2, 2, 3, 1));
        check("Mul", ops -> ops.g().mul(ops.x(0), ops.x(1)), Operand.batched(3, -2, 2, 4), Operand.of(-2, 2, 4));
        check("Mul", ops -> ops.g().mul(ops.x(0), ops.x(0)), Operand.of(-2, 2, 2, 3));
        check("Div", ops -> ops.g().div(ops.x(0), ops.x(1)), Operand.of(-2, 2, 3, 4), Operand.of(0.5, 2, 4));
        check("Div", ops -> ops.g().div(ops.x(0), ops.x(1)), Operand.of(-2, 2, 2, 3), Operand.of(0.5, 2));
    }

    @Test
    void elementwiseUnary() {
        check("Neg", ops -> ops.g().neg(ops.x(0)), Operand.of(-2, 2, 3, 4));
        check("Exp", ops -> ops.g().exp(ops.x(0)), Operand.of(-2, 2, 3, 4));
        check("Log", ops -> ops.g().log(ops.x(0)), Operand.of(0.2, 3, 3, 4));
        check("Sqrt", ops -> ops.g().sqrt(ops.x(0)), Operand.of(0.2, 3, 3, 4));
        check("Abs", ops -> ops.g().abs(ops.x(0)), Operand.of(0.1, 2, 3, 4), true);
        check("Reciprocal", ops -> ops.g().reciprocal(ops.x(0)), Operand.of(0.5, 2, 3, 4));
        check("Relu", ops -> ops.g().relu(ops.x(0)), Operand.of(0.05, 2, 3, 4), true);
        // Relu's gradient as an operator of its own: linear in dy, flat in y away from 0
        check(ReluGradient.OP_TYPE, ops -> ReluGradient.apply(ops.g(), ops.x(0), ops.x(1)),
                Operand.of(-2, 2, 3, 4), Operand.of(-2, 2, 3, 4));
        check("LeakyRelu", ops -> ops.g().leakyRelu(ops.x(0), 0.2), Operand.of(0.05, 2, 3, 4), true);
        check("Elu", ops -> ops.g().elu(ops.x(0), 1.0), Operand.of(0.05, 2, 3, 4), true);
        check("Tanh", ops -> ops.g().tanh(ops.x(0)), Operand.of(-2, 2, 3, 4));
        check("Sigmoid", ops -> ops.g().sigmoid(ops.x(0)), Operand.of(-4, 4, 3, 4));
        check("vaelab.Softplus", ops -> ops.g().softplus(ops.x(0)), Operand.of(-30, 30, 3, 4));
        check("Identity", ops -> ops.g().identity(ops.x(0)), Operand.of(-2, 2, 3, 4));
    }

    @Test
    void matrixProducts() {
        check("MatMul", ops -> ops.g().matmul(ops.x(0), ops.x(1)), Operand.batched(3, -1, 1, 4), Operand.of(-1, 1, 4, 5));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Operand a = ta ? Operand.of(-1, 1, 4, 3) : Operand.of(-1, 1, 3, 4);
                Operand b = tb ? Operand.of(-1, 1, 5, 4) : Operand.of(-1, 1, 4, 5);
                check("Gemm", ops -> ops.g().gemm(ops.x(0), ops.x(1), ops.x(2), ta, tb, 0.7, 1.3),
                        a, b, Operand.of(-1, 1, 5));
                check("Gemm", ops -> ops.g().gemm(ops.x(0), ops.x(1), null, ta, tb, 1.0, 0.0), a, b);
            }
        }
        check("Gemm", ops -> ops.g().linear(ops.x(0), ops.x(1), ops.x(2)),
                Operand.batched(3, -1, 1, 4), Operand.of(-1, 1, 4, 5), Operand.of(-1, 1, 5));
    }

    @Test
    void reductions() {
        check("ReduceSum", ops -> ops.g().reduceSum(ops.x(0), false, 1), Operand.of(-2, 2, 3, 4));
        check("ReduceSum", ops -> ops.g().reduceSum(ops.x(0), true, 0), Operand.batched(3, -2, 2, 4));
        check("ReduceSum", ops -> ops.g().reduceSum(ops.x(0), false, 0, 2), Operand.of(-2, 2, 2, 3, 2));
        check("ReduceMean", ops -> ops.g().reduceMean(ops.x(0), false, 1), Operand.of(-2, 2, 3, 4));
        check("ReduceMean", ops -> ops.g().reduceMean(ops.x(0), true, 0), Operand.batched(3, -2, 2, 4));
        check("ReduceMean", ops -> ops.g().reduceMean(ops.x(0), false, 0, 1), Operand.batched(3, -2, 2, 4));
    }

    @Test
    void shapeOperators() {
        check("Concat", ops -> ops.g().concat(1, ops.x(0), ops.x(1)), Operand.batched(3, -2, 2, 2), Operand.batched(3, -2, 2, 3));
        check("Slice", ops -> ops.g().slice(ops.x(0), 1, 1, 3), Operand.batched(3, -2, 2, 4));
        check("Reshape", ops -> ops.g().reshape(ops.x(0), Shape.of(2, 6)), Operand.of(-2, 2, 3, 4));
        check("Reshape", ops -> ops.g().reshape(ops.x(0), Shape.of(Shape.BATCH, 2, 2)), Operand.batched(3, -2, 2, 4));
        check("Unsqueeze", ops -> ops.g().unsqueeze(ops.x(0), 1), Operand.batched(3, -2, 2, 4));
        check("Unsqueeze", ops -> ops.g().unsqueeze(ops.x(0), 0, 3), Operand.of(-2, 2, 3, 4));
        check("Transpose", ops -> ops.g().transpose(ops.x(0), 1, 0), Operand.of(-2, 2, 3, 4));
        check("Transpose", ops -> ops.g().transpose(ops.x(0), 2, 0, 1), Operand.of(-2, 2, 2, 3, 4));
        check("Where", ops -> ops.g().where(ops.g().greater(ops.x(0), ops.g().scalar(0)), ops.x(1), ops.x(2)),
                Operand.of(-2, 2, 3, 4), Operand.of(-2, 2, 3, 4), Operand.of(-2, 2, 4));
        // indices along axis 1 of a [3, 5, 4] tensor, [3, 2, 4], some repeated within a column
        long[] picks = {0, 4, 2, 2, 1, 4, 2, 3, 3, 0, 0, 1, 3, 0, 4, 4, 2, 2, 1, 0, 4, 2, 1, 3};
        check("GatherElements", ops -> ops.g().gatherElements(ops.x(0),
                ops.g().reshape(ops.g().longs(picks), Shape.of(3, 2, 4)), 1), Operand.of(-2, 2, 3, 5, 4));
    }

    // ONNX Runtime 1.29 has no float64 Conv or ConvTranspose kernel on CPU, so these checks fall
    // back to float32 (h = 1e-2, relative tolerance 2e-3); both ops are linear in each operand, so
    // the central difference is exact up to float32 rounding of the loss.
    @Test
    void convolutions() {
        // stride 1; stride 2 with padding; odd, non-square sizes where rows are left over (output
        // padding in the input gradient, extra taps cropped in the weight gradient); stride 3
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), ops.x(2), 1, 0),
                Operand.batched(2, -1, 1, 2, 5, 5), Operand.of(-1, 1, 3, 2, 3, 3), Operand.of(-1, 1, 3));
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), ops.x(2), 2, 1),
                Operand.batched(2, -1, 1, 2, 7, 7), Operand.of(-1, 1, 3, 2, 3, 3), Operand.of(-1, 1, 3));
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), null, 2, 0),
                Operand.batched(2, -1, 1, 1, 6, 7), Operand.of(-1, 1, 2, 1, 3, 3));
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), ops.x(2), 2, 1),
                Operand.of(-1, 1, 2, 2, 8, 8), Operand.of(-1, 1, 2, 2, 4, 4), Operand.of(-1, 1, 2));
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), ops.x(2), 3, 1),
                Operand.batched(1, -1, 1, 1, 8, 7), Operand.of(-1, 1, 2, 1, 3, 2), Operand.of(-1, 1, 2));
        // the general form the rules themselves emit: asymmetric pads, dilation, per-axis strides
        ConvGeometry general = new ConvGeometry(new long[] {2, 1}, new long[] {1, 0, 0, 2}, new long[] {2, 1}, new long[2]);
        check("Conv", ops -> ops.g().conv(ops.x(0), ops.x(1), ops.x(2), general),
                Operand.batched(2, -1, 1, 2, 7, 6), Operand.of(-1, 1, 2, 2, 2, 3), Operand.of(-1, 1, 2));
    }

    @Test
    void transposedConvolutions() {
        check("ConvTranspose", ops -> ops.g().convTranspose(ops.x(0), ops.x(1), ops.x(2), 1, 0, 0),
                Operand.batched(2, -1, 1, 3, 3, 3), Operand.of(-1, 1, 3, 2, 3, 3), Operand.of(-1, 1, 2));
        check("ConvTranspose", ops -> ops.g().convTranspose(ops.x(0), ops.x(1), ops.x(2), 2, 1, 0),
                Operand.batched(2, -1, 1, 2, 4, 4), Operand.of(-1, 1, 2, 3, 4, 4), Operand.of(-1, 1, 3));
        check("ConvTranspose", ops -> ops.g().convTranspose(ops.x(0), ops.x(1), null, 2, 1, 1),
                Operand.batched(2, -1, 1, 2, 3, 4), Operand.of(-1, 1, 2, 1, 3, 3));
        check("ConvTranspose", ops -> ops.g().convTranspose(ops.x(0), ops.x(1), ops.x(2), 3, 0, 2),
                Operand.of(-1, 1, 1, 1, 2, 3), Operand.of(-1, 1, 1, 2, 2, 2), Operand.of(-1, 1, 2));
        ConvGeometry general = new ConvGeometry(new long[] {2, 3}, new long[] {0, 1, 1, 0}, new long[] {2, 1}, new long[] {1, 2});
        check("ConvTranspose", ops -> ops.g().convTranspose(ops.x(0), ops.x(1), ops.x(2), general),
                Operand.batched(1, -1, 1, 2, 3, 3), Operand.of(-1, 1, 2, 2, 2, 3), Operand.of(-1, 1, 2));
    }

    @Test
    void convolutionsWithEachWeightGradientForm() {
        // the same checks with each form of the weight gradient forced: the batch-axis Conv, and one
        // im2col GEMM (gathered taps, zero padding, a ConvTranspose's cropped rows reading zeros),
        // with a symbolic and a fixed batch ("auto", the default, picks one of the two per layer)
        for (String choice : new String[] {"conv", "gemm"}) {
            SystemProperties.run(ConvGradients.WEIGHT_GRADIENT_PROPERTY, choice, () -> {
                convolutions();
                transposedConvolutions();
                composedConvolutionalEncoderAndDecoder();
                composedColourEncoderAndDecoder();
            });
        }
    }

    @Test
    void composedConvolutionalEncoderAndDecoder() {
        // [N, 1·6·6] pixels reshaped to an image, Conv + tanh (smooth, so finite differences hold) down to 3x3, ConvTranspose back up
        check("Conv", ops -> {
            Tensor image = ops.g().reshape(ops.x(0), Shape.of(Shape.BATCH, 1, 6, 6));
            Tensor h = ops.g().tanh(ops.g().conv(image, ops.x(1), ops.x(2), 2, 1));
            Tensor up = ops.g().convTranspose(h, ops.x(3), ops.x(4), 2, 1, 0);
            return ops.g().reshape(up, Shape.of(Shape.BATCH, 36));
        }, Operand.batched(2, -1, 1, 36), Operand.of(-1, 1, 2, 1, 4, 4), Operand.of(0.2, 0.6, 2),
                Operand.of(-1, 1, 2, 1, 4, 4), Operand.of(-1, 1, 1));
    }

    @Test
    void composedColourEncoderAndDecoder() {
        // an RGB image flattened CHW, [N, 3·8·8], through the conv network's 4x4 stride-2 padding-1
        // layers (8 -> 4 -> 8) back to three channels, flattened again: the layout of a colour run
        check("Conv", ops -> {
            Tensor image = ops.g().reshape(ops.x(0), Shape.of(Shape.BATCH, 3, 8, 8));
            Tensor h = ops.g().tanh(ops.g().conv(image, ops.x(1), ops.x(2), 2, 1));
            Tensor up = ops.g().convTranspose(h, ops.x(3), ops.x(4), 2, 1, 0);
            return ops.g().reshape(up, Shape.of(Shape.BATCH, 192));
        }, Operand.batched(2, -1, 1, 192), Operand.of(-0.5, 0.5, 2, 3, 4, 4), Operand.of(-0.2, 0.2, 2),
                Operand.of(-1, 1, 2, 3, 4, 4), Operand.of(-1, 1, 3));
    }

    @Test
    void composedLossOfAnMlpLayer() {
        // a small end-to-end composition: Bernoulli log-likelihood of a ReLU layer's logits
        check("Gemm", ops -> {
            Tensor h = ops.g().relu(ops.g().linear(ops.x(0), ops.x(1), ops.x(2)));
            Tensor target = ops.x(3);
            return ops.g().sub(ops.g().mul(target, h), ops.g().softplus(h));
        }, Operand.batched(3, -1, 1, 4), Operand.of(-1, 1, 4, 5), Operand.of(0.1, 0.5, 5), Operand.batched(3, 0, 1, 5));
    }

    @Test
    void composedLogSumExp() {
        // the shift is cast through int64, so no gradient flows through it; the rules of Sub, Exp,
        // ReduceSum, Log and Add must still give softmax·dy, for large and widely spread values too
        check("ReduceSum", ops -> ops.g().logSumExp(ops.x(0), 1, false), Operand.of(-3, 3, 3, 5));
        check("ReduceSum", ops -> ops.g().logSumExp(ops.x(0), 1, true), Operand.batched(3, -400, -300, 4));
        check("ReduceSum", ops -> ops.g().logSumExp(ops.x(0), 0, false), Operand.of(-40, 40, 4, 2, 3));
    }

}
