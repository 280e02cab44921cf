package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.inject.Injector;
import dev.vaelab.export.ModelCard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code preset: burgess} from YAML through {@code vaelab run} (a few steps on generated IDX files):
 * the resolved config spells out the layout the preset stands for, and the exported files carry
 * the image shape, channel count, colour order and flattening order in their metadata.
 */
class BurgessPresetRunTest {
    @TempDir
    Path dir;

    @Test
    void thePresetRunsFromYamlAndItsExportSaysItsShape() throws Exception {
        Path root = dir.resolve("data");
        Injector injector = SyntheticDigits.injector(root, 7, 600, 100, false);
        Path yaml = dir.resolve("burgess.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: burgess",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model:",
                "  type: beta-vae",
                "  latent_dim: 6",
                "  encoder: {type: conv, preset: burgess}",
                "  decoder: {type: conv, preset: burgess}",
                "likelihood: {type: bernoulli}",
                "beta: {type: constant, value: 4.0}",
                "train: {epochs: 1, max_steps: 4, batch_size: 50}",
                "eval: {batch_size: 100}",
                "log: {every_steps: 2, grids_every_epochs: 1}",
                ""));
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), "run", yaml.toString(), "--data-dir",
                root.toString(), "--results", dir.resolve("results").toString(), "--threads", "2");
        assertEquals(0, code, err.toString());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results/burgess"))) {
            run = runs.findFirst().orElseThrow();
        }
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("preset: burgess"), config);
        assertTrue(config.replaceAll("\\s", "").contains("channels:[32,32,32,32]"), config);
        assertTrue(config.replaceAll("\\s", "").contains("hidden:[256,256]"), config);
        assertTrue(Files.exists(run.resolve("grids/traversals_e001.png")));

        Map<String, String> metadata = ModelProto.parseFrom(Files.readAllBytes(run.resolve("model/encoder.onnx")))
                .getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertEquals("[1,28,28]", metadata.get(ModelCard.KEY_IMAGE_SHAPE));
        assertEquals("1", metadata.get(ModelCard.KEY_CHANNELS));
        assertEquals("grey", metadata.get(ModelCard.KEY_COLOR_ORDER));
        assertEquals("CHW", metadata.get(ModelCard.KEY_INPUT_LAYOUT));
    }
}
