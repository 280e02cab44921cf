package dev.vaelab.train;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.train.optim.OptimizerChoice;
import dev.vaelab.train.optim.OptimizerFactory;
import dev.vaelab.zoo.model.GaussianVae;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import dev.vaelab.zoo.schedule.ScheduleFactory;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Validates a whole experiment before any work starts: every {@code type:} against the registries
 * (ours and plugins'), every section's keys by the factory that reads them, and the combinations
 * that make no sense. An error names the file, the line and what would be accepted.
 */
public final class ExperimentResolver {
    private final Registry<ModelFactory> models;
    private final Registry<HeadFactory> heads;
    private final Registry<ScheduleFactory> schedules;
    private final Registry<OptimizerFactory> optimizers;
    private final Catalog catalog;

    @Inject
    public ExperimentResolver(Map<String, ModelFactory> models, Map<String, HeadFactory> heads,
                              Map<String, ScheduleFactory> schedules, Map<String, OptimizerFactory> optimizers,
                              Catalog catalog) {
        this.models = new Registry<>(models);
        this.heads = new Registry<>(heads);
        this.schedules = new Registry<>(schedules);
        this.optimizers = new Registry<>(optimizers);
        this.catalog = catalog;
    }

    public ResolvedExperiment resolve(ExperimentSpec spec) {
        // the fixed sections first, as when the file format parsed them itself
        RunSections sections = RunSections.parse(spec);
        DatasetSpec dataset = catalog.get(spec.data().dataset());
        LikelihoodHead head = heads.resolve(spec.likelihood()).create(spec.likelihood());
        int classes = dataset.hasLabels() ? dataset.numClasses() : 0;
        VaeModel model = models.resolve(spec.model())
                .create(spec.model(), new ModelContext(new ImageDims(dataset.shape().channels(), dataset.shape().height(),
                        dataset.shape().width()), classes, head.outputsPerPixel()));
        ComponentSpec betaSpec = spec.beta();
        ScheduleFactory scheduleFactory = schedules.resolve(betaSpec);
        // parse once now so that a bad key fails before any work; the real one needs the run's length
        var probe = scheduleFactory.create(betaSpec, new ScheduleContext(1, 1));
        if (!model.usesBetaSchedule() && !(probe instanceof ConstantSchedule c && c.value() == 1.0)) {
            throw new ConfigException(betaSpec.typeLocation(), "model type '" + model.type()
                    + "' trains the plain ELBO (β = 1); use model type 'beta-vae' for a β schedule");
        }
        if (probe.hasCapacity() && !model.type().equals(GaussianVae.BETA_VAE)) {
            throw new ConfigException(betaSpec.typeLocation(), "the capacity objective (Burgess et al. 2018) is for "
                    + "model type 'beta-vae', not '" + model.type() + "'");
        }
        OptimizerChoice optimizer = optimizers.resolve(sections.train().optimizer()).create(sections.train().optimizer());
        String resolvedYaml = spec.root().resolved().toYaml();
        return new ResolvedExperiment(spec, dataset, model, head, optimizer,
                context -> scheduleFactory.create(betaSpec, context), resolvedYaml, sections);
    }
}
