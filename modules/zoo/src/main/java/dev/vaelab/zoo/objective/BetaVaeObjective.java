package dev.vaelab.zoo.objective;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.zoo.schedule.BetaSchedule;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import dev.vaelab.zoo.schedule.ScheduleFactory;
import jakarta.inject.Inject;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The β-VAE of Higgins et al. (2017): the loss is the batch mean of {@code β·kl - recon_ll}, β from
 * a schedule evaluated at every step and fed to the step graph. With a capacity schedule, the
 * objective of Burgess et al. (2018), {@code β·|KL - C| - recon} on the batch means (β in the role
 * of their γ), C fed per step too. Logs the values in force as {@code train/beta} (and
 * {@code train/capacity}).
 *
 * <p>YAML: {@code {type: beta-vae, beta: {type: linear, start: 0.0, end: 4.0, warmup_epochs: 5}}},
 * any schedule of the {@code beta:} registry, or {@code beta: 4} for a constant.
 */
public final class BetaVaeObjective implements Objective {
    public static final String TYPE = "beta-vae";

    private final BetaSchedule schedule;
    private final int batchSize;
    private final int latentDim;
    private final GaussianNoise noise;

    public BetaVaeObjective(BetaSchedule schedule, int batchSize, int latentDim) {
        this.schedule = schedule;
        this.batchSize = batchSize;
        this.latentDim = latentDim;
        this.noise = new GaussianNoise("eps", batchSize * latentDim);
    }

    public BetaSchedule schedule() {
        return schedule;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TrainingProgramBuilder.StepOutputs step(TrainingProgramBuilder.StepContext step, VaeGraphs graphs,
                                                   Tensor x, Optional<Tensor> y) {
        Graph g = step.graph();
        Tensor eps = step.stepInput("eps", DType.FLOAT, Shape.of(batchSize, latentDim));
        Tensor beta = step.stepInput("beta", DType.FLOAT, Shape.scalar());
        VaeGraphs.Terms t = graphs.terms(g, step.parameters(), x, y, eps);
        Tensor recon = g.reduceMean(t.reconLl(), false, 0);
        Tensor kl = g.reduceMean(t.kl(), false, 0);
        Tensor klTerm = schedule.hasCapacity()
                ? g.abs(g.sub(kl, step.stepInput("capacity", DType.FLOAT, Shape.scalar())))
                : kl;
        Tensor loss = g.sub(g.mul(beta, klTerm), recon);
        return new TrainingProgramBuilder.StepOutputs(loss, ElboObjective.elboMetrics(g, recon, kl));
    }

    @Override
    public void fillStepInputs(StepFeeds feeds, long firstStep, int steps, SplittableRandom random) {
        noise.fill(feeds, steps, random);
        FloatBuffer betas = feeds.chunk("beta");
        for (int i = 0; i < steps; i++) {
            betas.put((float) schedule.beta(firstStep + i));
        }
        if (schedule.hasCapacity()) {
            FloatBuffer capacities = feeds.chunk("capacity");
            for (int i = 0; i < steps; i++) {
                capacities.put((float) schedule.capacity(firstStep + i));
            }
        }
    }

    @Override
    public Map<String, Double> valuesInForce(long step) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train/beta", schedule.beta(step));
        if (schedule.hasCapacity()) {
            values.put("train/capacity", schedule.capacity(step));
        }
        return values;
    }

    @Override
    public List<String> metricNames() {
        return ElboObjective.concat(ElboObjective.ELBO_METRICS, schedule.hasCapacity()
                ? List.of("train/beta", "train/capacity") : List.of("train/beta"));
    }

    /** {@code {type: beta-vae, beta: <schedule> | <number>}}. */
    public static final class Factory implements ObjectiveFactory {
        private final Registry<ScheduleFactory> schedules;

        @Inject
        public Factory(Map<String, ScheduleFactory> schedules) {
            this.schedules = new Registry<>(schedules);
        }

        @Override
        public Objective create(ComponentSpec spec, ObjectiveContext context) {
            ConfigMap options = spec.options();
            // the whole key set first, so that a misspelt required key reads as a typo, not as missing
            options.allowOnly(List.of("type", "beta"));
            BetaSchedule schedule;
            if (options.node("beta").orElse(null) instanceof ConfigMap) {
                schedule = schedule(ComponentSpec.read(options, "beta"), context.schedule());
            } else {
                schedule = new ConstantSchedule(options.numberAtLeast("beta", 0.0));
            }
            options.finish();
            return new BetaVaeObjective(schedule, context.batchSize(), context.latentDim());
        }

        /** The objective with its β schedule in {@code betaSpec}: also the top-level {@code beta:} of older files. */
        public BetaVaeObjective fromSchedule(ComponentSpec betaSpec, ObjectiveContext context) {
            return new BetaVaeObjective(schedule(betaSpec, context.schedule()), context.batchSize(), context.latentDim());
        }

        /** A schedule section, validated (its keys and type) by the schedule's factory. */
        public BetaSchedule schedule(ComponentSpec betaSpec, ScheduleContext context) {
            return schedules.resolve(betaSpec).create(betaSpec, context);
        }
    }
}
