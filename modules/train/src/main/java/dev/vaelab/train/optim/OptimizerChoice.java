package dev.vaelab.train.optim;

import dev.vaelab.onnx.optim.Optimizer;

/** A configured optimizer and its learning rate (fed to the graph per step, logged as train/lr). */
public record OptimizerChoice(Optimizer optimizer, double lr) {
}
