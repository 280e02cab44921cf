package dev.vaelab.train.optim;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.optim.Adam;
import java.util.List;

/** {@code {type: adam, lr: 1.0e-3, betas: [0.9, 0.999], eps: 1.0e-8, weight_decay: 0}}, PyTorch's defaults. */
public final class AdamFactory implements OptimizerFactory {
    public static final String TYPE = "adam";

    @Override
    public OptimizerChoice create(ComponentSpec spec) {
        var o = spec.options();
        double lr = o.positiveNumber("lr", 1e-3);
        List<Double> betas = o.doubleList("betas", List.of(0.9, 0.999));
        if (betas.size() != 2 || betas.stream().anyMatch(b -> !(b >= 0 && b < 1))) {
            throw o.invalid("betas", "must be two numbers in [0, 1), got " + betas);
        }
        double eps = o.positiveNumber("eps", 1e-8);
        double weightDecay = o.numberAtLeast("weight_decay", 0.0, 0.0);
        o.finish();
        return new OptimizerChoice(new Adam(betas.get(0), betas.get(1), eps, weightDecay), lr);
    }
}
