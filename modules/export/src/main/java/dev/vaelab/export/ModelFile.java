package dev.vaelab.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.runtime.OrtEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An exported file opened the way another stack opens it: an ONNX Runtime session on the file and
 * its {@code vaelab.*} metadata, nothing else (no config, no checkpoint, no vaelab model code).
 * {@link EncoderFile} and {@link DecoderFile} build on it.
 */
public final class ModelFile implements AutoCloseable {
    private final Path file;
    private final OrtSession session;
    private final ModelCard card;
    private final Role role;
    private final OrtEnvironment env;

    private ModelFile(Path file, OrtSession session, ModelCard card, Role role, OrtEnvironment env) {
        this.file = file;
        this.session = session;
        this.card = card;
        this.role = role;
        this.env = env;
    }

    /**
     * Opens {@code file} as the {@code expected} half of a vaelab model.
     *
     * @param threads ONNX Runtime intra-op threads, 0 for every core
     * @param option the command-line option that named the file, for messages ({@code --decoder})
     * @throws VaelabException for a missing file, a file that is not ONNX, an ONNX model that vaelab
     *     did not export, or the other half of a model
     */
    public static ModelFile open(Path file, Role expected, int threads, String option) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VaelabException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new VaelabException(option + " " + file + ": cannot read it: " + e.getMessage(), e);
        }
        OrtEnvironment env = OrtEngine.sharedEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            session = env.createSession(TrainingOrderWeights.of(bytes), options);
        } catch (OrtException e) {
            throw new VaelabException(option + " " + file + " is not an ONNX model that ONNX Runtime can load: "
                    + e.getMessage().strip(), e);
        }
        try {
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            ModelCard card = ModelCard.fromProperties(metadata, option + " " + file);
            Role role = ModelCard.roleOf(metadata, option + " " + file);
            if (role != expected) {
                throw new VaelabException(option + " " + file + " is a vaelab " + role.wireName() + "; " + option
                        + " takes a " + expected.wireName() + " (" + expected.fileName() + " in a run's model/ folder)");
            }
            return new ModelFile(file, session, card, role, env);
        } catch (OrtException | RuntimeException e) {
            OrtEngine.close(session);
            if (e instanceof VaelabException v) {
                throw v;
            }
            throw new VaelabException(option + " " + file + ": cannot read its metadata: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public ModelCard card() {
        return card;
    }

    public Role role() {
        return role;
    }

    /** The names of the inputs the file takes, in its order. */
    public List<String> inputNames() {
        return List.copyOf(session.getInputNames());
    }

    /** The declared shape of input {@code name}, the batch axis as -1. */
    public long[] inputShape(String name) {
        try {
            NodeInfo info = session.getInputInfo().get(name);
            if (info == null) {
                throw new VaelabException(file + " has no input '" + name + "'; it has " + inputNames());
            }
            return ((TensorInfo) info.getInfo()).getShape();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the model on {@code count} examples; each input's values are laid out as its declared
     * shape with the batch axis set to {@code count}.
     *
     * @return every output, flattened, in the file's order
     */
    public Map<String, float[]> run(Map<String, float[]> inputs, int count) {
        try {
            return SessionRuns.run(env, session, inputs, count);
        } catch (OrtException e) {
            throw new VaelabException(file + ": ONNX Runtime failed to run the model: " + e.getMessage().strip(), e);
        }
    }

    @Override
    public void close() {
        OrtEngine.close(session);
    }
}
