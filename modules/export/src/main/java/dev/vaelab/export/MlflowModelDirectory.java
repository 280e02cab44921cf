package dev.vaelab.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.AtomicFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Makes a run's {@code model/} folder an MLflow Model directory, so that MLflow's own clients load
 * it: {@code mlflow.onnx.load_model("runs:/<id>/model")} and {@code mlflow.pyfunc.load_model}
 * (which needs Python onnxruntime) read the decoder, the generative model. Writes {@code MLmodel}
 * (the {@code onnx} and {@code python_function} flavors, the decoder's input/output signature read
 * from its graph, the vaelab metadata) and the input example MLflow writes beside it
 * ({@code input_example.json}, and {@code serving_input_example.json} as a server takes it).
 */
public final class MlflowModelDirectory {
    public static final String MLMODEL = "MLmodel";
    public static final String INPUT_EXAMPLE = "input_example.json";
    public static final String SERVING_INPUT_EXAMPLE = "serving_input_example.json";
    /** The {@code onnx} package version MLmodel names: the one whose opset 17 / IR 8 the files use. */
    static final String ONNX_VERSION = "1.14.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXAMPLE_ROWS = 2;

    private MlflowModelDirectory() {}

    /** Writes the MLflow files into {@code directory}, which holds the exported {@code decoder.onnx}. */
    public static void write(Path directory, ModelCard card) {
        Path decoder = directory.resolve(Role.DECODER.fileName());
        ArrayNode inputs = JSON.createArrayNode();
        ArrayNode outputs = JSON.createArrayNode();
        ObjectNode example = JSON.createObjectNode();
        try (OrtSession session = StrictSessions.environment().createSession(decoder.toString(), new OrtSession.SessionOptions())) {
            Random random = new Random(card.seed());
            for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
                inputs.add(spec(in.getKey(), in.getValue()));
                example.set(in.getKey(), exampleRows(in.getKey(), (TensorInfo) in.getValue().getInfo(), random));
            }
            for (Map.Entry<String, NodeInfo> out : session.getOutputInfo().entrySet()) {
                outputs.add(spec(out.getKey(), out.getValue()));
            }
        } catch (OrtException e) {
            throw new VaelabException("cannot read the signature of " + decoder + ": " + e.getMessage(), e);
        }
        Map<String, Object> mlmodel = new LinkedHashMap<>();
        mlmodel.put("artifact_path", "model");
        Map<String, Object> flavors = new LinkedHashMap<>();
        Map<String, Object> onnx = new LinkedHashMap<>();
        onnx.put("code", null);
        onnx.put("data", Role.DECODER.fileName());
        onnx.put("onnx_version", ONNX_VERSION);
        onnx.put("providers", java.util.List.of("CPUExecutionProvider"));
        flavors.put("onnx", onnx);
        Map<String, Object> pyfunc = new LinkedHashMap<>();
        pyfunc.put("data", Role.DECODER.fileName());
        pyfunc.put("loader_module", "mlflow.onnx");
        pyfunc.put("python_version", "3");
        flavors.put("python_function", pyfunc);
        mlmodel.put("flavors", flavors);
        mlmodel.put("model_uuid", UUID.nameUUIDFromBytes((card.runId() + "/model").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().replace("-", ""));
        mlmodel.put("run_id", null); // MLflow fills in its own run id when it logs a model; vaelab's is in the metadata
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("inputs", inputs.toString());
        signature.put("outputs", outputs.toString());
        signature.put("params", null);
        mlmodel.put("signature", signature);
        Map<String, Object> exampleInfo = new LinkedHashMap<>();
        exampleInfo.put("artifact_path", INPUT_EXAMPLE);
        exampleInfo.put("type", "ndarray");
        exampleInfo.put("serving_input_path", SERVING_INPUT_EXAMPLE);
        mlmodel.put("saved_input_example_info", exampleInfo);
        mlmodel.put("utc_time_created", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                .format(Instant.now().atOffset(ZoneOffset.UTC)));
        Map<String, Object> metadata = new LinkedHashMap<>(card.properties(Role.DECODER, Map.of(), Map.of()));
        metadata.remove(ModelCard.KEY_INPUTS);
        metadata.remove(ModelCard.KEY_OUTPUTS);
        metadata.put("vaelab.encoder", Role.ENCODER.fileName());
        mlmodel.put("metadata", metadata);
        try {
            AtomicFiles.writeString(directory.resolve(INPUT_EXAMPLE), JSON.writeValueAsString(example));
            ObjectNode serving = JSON.createObjectNode();
            serving.set("inputs", example);
            AtomicFiles.writeString(directory.resolve(SERVING_INPUT_EXAMPLE), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(serving));
            // JSON is YAML: MLflow's yaml.safe_load reads it as it reads its own block style
            AtomicFiles.writeString(directory.resolve(MLMODEL), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(mlmodel) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MLflow's tensor spec: {@code {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 10]}, "name": "z"}}. */
    private static ObjectNode spec(String name, NodeInfo node) {
        TensorInfo info = (TensorInfo) node.getInfo();
        ObjectNode spec = JSON.createObjectNode();
        spec.put("type", "tensor");
        ObjectNode tensor = spec.putObject("tensor-spec");
        tensor.put("dtype", dtype(info));
        ArrayNode shape = tensor.putArray("shape");
        for (long d : info.getShape()) {
            shape.add(d < 0 ? -1 : d);
        }
        spec.put("name", name);
        return spec;
    }

    private static String dtype(TensorInfo info) {
        return switch (info.type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT64 -> "int64";
            case INT32 -> "int32";
            case UINT8 -> "uint8";
            default -> throw new VaelabException("the decoder has an input or output of type " + info.type
                    + ", which vaelab does not describe to MLflow");
        };
    }

    /** Two rows a model takes: standard normal codes for {@code z}, one-hot labels 0 and 1 for {@code y}. */
    private static ArrayNode exampleRows(String name, TensorInfo info, Random random) {
        long[] shape = info.getShape();
        int width = (int) shape[shape.length - 1];
        ArrayNode rows = JSON.createArrayNode();
        for (int r = 0; r < EXAMPLE_ROWS; r++) {
            ArrayNode row = rows.addArray();
            for (int c = 0; c < width; c++) {
                if (name.equals("y")) {
                    row.add(c == r % width ? 1.0f : 0.0f);
                } else {
                    row.add((float) random.nextGaussian());
                }
            }
        }
        return rows;
    }
}
