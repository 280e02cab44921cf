package dev.vaelab.train;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.train.optim.OptimizerChoice;
import dev.vaelab.train.optim.OptimizerFactory;
import dev.vaelab.zoo.model.GaussianVae;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.BetaVaeObjective;
import dev.vaelab.zoo.objective.ElboObjective;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import dev.vaelab.zoo.objective.ObjectiveFactory;
import dev.vaelab.zoo.schedule.BetaSchedule;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Function;

/**
 * Validates a whole experiment before any work starts: every {@code type:} against the registries
 * (ours and plugins'), every section's keys by the factory that reads them, and the combinations
 * that make no sense. An error names the file, the line and what would be accepted.
 */
public final class ExperimentResolver {
    private final Registry<ModelFactory> models;
    private final Registry<HeadFactory> heads;
    private final Registry<ObjectiveFactory> objectives;
    private final BetaVaeObjective.Factory betaVae;
    private final Registry<OptimizerFactory> optimizers;
    private final DatasetRegistry datasets;

    @Inject
    public ExperimentResolver(Map<String, ModelFactory> models, Map<String, HeadFactory> heads,
                              Map<String, ObjectiveFactory> objectives, BetaVaeObjective.Factory betaVae,
                              Map<String, OptimizerFactory> optimizers, DatasetRegistry datasets) {
        this.models = new Registry<>(models);
        this.heads = new Registry<>(heads);
        this.objectives = new Registry<>(objectives);
        this.betaVae = betaVae;
        this.optimizers = new Registry<>(optimizers);
        this.datasets = datasets;
    }

    public ResolvedExperiment resolve(ExperimentSpec spec) {
        // the fixed sections first, as when the file format parsed them itself
        RunSections sections = RunSections.parse(spec);
        DatasetRegistry.ConfiguredData data = datasets.resolve(spec.data());
        DatasetInfo dataset = data.info();
        LikelihoodHead head = heads.resolve(spec.likelihood()).create(spec.likelihood());
        int classes = dataset.hasLabels() ? dataset.numClasses() : 0;
        VaeModel model = models.resolve(spec.model())
                .create(spec.model(), new ModelContext(new ImageDims(dataset.shape().channels(), dataset.shape().height(),
                        dataset.shape().width()), classes, head.outputsPerPixel()));
        Function<ObjectiveContext, Objective> objective = spec.objective().isPresent()
                ? chosen(spec.objective().get(), model)
                : byModelType(spec.beta().orElseThrow(), model);
        OptimizerChoice optimizer = optimizers.resolve(sections.train().optimizer()).create(sections.train().optimizer());
        String resolvedYaml = spec.root().resolved().toYaml();
        return new ResolvedExperiment(spec, data, model, head, optimizer, objective, resolvedYaml, sections);
    }

    /** The objective the {@code objective:} section names, its keys validated now. */
    private Function<ObjectiveContext, Objective> chosen(ComponentSpec objectiveSpec, VaeModel model) {
        ObjectiveFactory factory = objectives.resolve(objectiveSpec);
        factory.create(objectiveSpec, probeContext(model)); // the real one needs the run's length and data size
        return context -> factory.create(objectiveSpec, context);
    }

    /**
     * The objective of a file without an {@code objective:} section, as it was before objectives
     * were a section: the top-level {@code beta:} is a β-VAE's schedule, which model type {@code vae}
     * does not take (β = 1, the ELBO) and the capacity form only with model type {@code beta-vae}.
     */
    private Function<ObjectiveContext, Objective> byModelType(ComponentSpec betaSpec, VaeModel model) {
        BetaSchedule probe = betaVae.schedule(betaSpec, new ScheduleContext(1, 1));
        boolean plainElbo = probe instanceof ConstantSchedule c && c.value() == 1.0;
        if (model.type().equals(GaussianVae.VAE) && !plainElbo) {
            throw new ConfigException(betaSpec.typeLocation(), "model type 'vae' trains the plain ELBO (β = 1); use "
                    + "model type 'beta-vae', or 'objective: {type: beta-vae, beta: ...}', for a β schedule");
        }
        if (probe.hasCapacity() && !model.type().equals(GaussianVae.BETA_VAE)) {
            throw new ConfigException(betaSpec.typeLocation(), "the capacity objective (Burgess et al. 2018) is for "
                    + "model type 'beta-vae', not '" + model.type() + "', or for 'objective: {type: beta-vae, beta: "
                    + "{type: capacity, ...}}'");
        }
        if (plainElbo && !model.type().equals(GaussianVae.BETA_VAE)) {
            return context -> new ElboObjective(context.batchSize(), context.latentDim());
        }
        return context -> betaVae.fromSchedule(betaSpec, context);
    }

    private static ObjectiveContext probeContext(VaeModel model) {
        return new ObjectiveContext(1, model.latentDim(), 1, new ScheduleContext(1, 1));
    }
}
