package dev.vaelab.train.optim;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.optim.Sgd;

/** {@code {type: sgd, lr: 0.01, momentum: 0.9, weight_decay: 0}}. */
public final class SgdFactory implements OptimizerFactory {
    public static final String TYPE = "sgd";

    @Override
    public OptimizerChoice create(ComponentSpec spec) {
        var o = spec.options();
        double lr = o.positiveNumber("lr");
        double momentum = o.numberAtLeast("momentum", 0.0, 0.0);
        if (momentum >= 1) {
            throw o.invalid("momentum", "must be below 1, got " + momentum);
        }
        double weightDecay = o.numberAtLeast("weight_decay", 0.0, 0.0);
        o.finish();
        return new OptimizerChoice(new Sgd(momentum, weightDecay), lr);
    }
}
