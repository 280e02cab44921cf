package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgram;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import dev.vaelab.zoo.objective.ObjectiveFactory;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.schedule.ScheduleContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every objective and every likelihood head the framework ships, with an MLP, a conv net and a
 * conditional model, trains with Adam's update in place where the engine can: none of them reads a
 * parameter where the update need not wait for it. A step that did would still train, to the same
 * numbers, on carried state (TrainingProgramBuilder), only slower; this test is what says so.
 */
class InPlaceProgramsTest {
    private static final int BATCH = 4;
    private static final int LATENT = 3;
    private static final Injector INJECTOR = Guice.createInjector(new ZooModule(), new HeadsModule());

    private static <T> Map<String, T> bound(Class<T> type) {
        return INJECTOR.getInstance(Key.get((TypeLiteral<Map<String, T>>) TypeLiteral.get(
                com.google.inject.util.Types.mapOf(String.class, type))));
    }

    private static ComponentSpec spec(String section, String yaml) {
        return ComponentSpec.read(ConfigLoader.parse("name: x\n" + section + ": " + yaml, "exp.yaml"), section);
    }

    @Test
    void everyShippedObjectiveAndHeadUpdatesInPlace() {
        OrtEngine engine = new OrtEngine(1, true);
        assumeTrue(engine.updatesInPlace(), "vaelab's native kernels are not built on this platform");
        Map<String, ObjectiveFactory> objectives = bound(ObjectiveFactory.class);
        Map<String, HeadFactory> heads = bound(HeadFactory.class);
        Map<String, ModelFactory> models = bound(ModelFactory.class);
        ObjectiveContext context = new ObjectiveContext(BATCH, LATENT, 1000, new ScheduleContext(10, 100));
        List<String> headYamls = List.of("{type: bernoulli}", "{type: gaussian, scale: learned}",
                "{type: laplace, scale: learned_per_pixel}", "{type: continuous-bernoulli}", "{type: categorical}");
        assertTrue(heads.keySet().stream().allMatch(h -> headYamls.stream().anyMatch(y -> y.contains("type: " + h + "}")
                || y.contains("type: " + h + ","))), "a head this test does not build: " + heads.keySet());
        String mlp = "{type: mlp, hidden: [8]}";
        String conv = "{type: conv, channels: [4, 8], hidden: [8]}";
        Map<String, String> objectiveYamls = Map.of("elbo", "{type: elbo}", "beta-vae", "{type: beta-vae, beta: 4}",
                "beta-tcvae", "{type: beta-tcvae, beta: 6}", "iwae", "{type: iwae, samples: 3}");
        assertTrue(objectiveYamls.keySet().containsAll(objectives.keySet()), "an objective this test does not build: "
                + objectives.keySet());
        for (String objectiveType : objectives.keySet()) {
            Objective objective = objectives.get(objectiveType).create(spec("objective", objectiveYamls.get(objectiveType)),
                    context);
            for (String headYaml : headYamls) {
                for (String modelYaml : List.of("{type: vae, latent_dim: " + LATENT + ", encoder: " + mlp + ", decoder: " + mlp + "}",
                        "{type: cvae, latent_dim: " + LATENT + ", encoder: " + conv + ", decoder: " + conv + "}")) {
                    LikelihoodHead head = heads.get(spec("likelihood", headYaml).type()).create(spec("likelihood", headYaml));
                    boolean conditional = modelYaml.contains("cvae");
                    ComponentSpec modelSpec = spec("model", modelYaml);
                    VaeModel model = models.get(modelSpec.type()).create(modelSpec,
                            new ModelContext(new ImageDims(1, 8, 8), conditional ? 3 : 0, head.outputsPerPixel()));
                    VaeGraphs graphs = new VaeGraphs(model, head, 64, conditional ? 3 : 0);
                    TrainingProgram program = TrainingProgramBuilder.build(graphs.trainingStep(BATCH, objective),
                            Adam.pytorchDefaults(), engine.updatesInPlace());
                    assertTrue(program.updatesInPlace(), objectiveType + " " + headYaml + " " + modelYaml);
                }
            }
        }
    }
}
