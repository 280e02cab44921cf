package dev.vaelab.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.core.error.VaelabException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interface ARCHITECTURE.md fixes for exported files, checked against the file's own metadata:
 * every {@code vaelab.*} key present and well formed; the inputs and outputs named, typed and
 * sized as the card says (encoder: {@code x} [N, D] or [N, C, H, W], {@code y} [N, K] for a
 * conditional model, {@code mu} and {@code logvar} [N, L]; decoder: {@code z} [N, L], {@code y},
 * {@code mean} first and then the likelihood's parameters, each [N, ...]); the batch axis the one
 * symbolic axis {@code N}; doc strings on the model, the graph and every input and output; and
 * {@code vaelab.inputs}/{@code vaelab.outputs} describing exactly the inputs and outputs there are.
 */
final class VaelabInterfaceCheck {
    /** The name of the dynamic batch axis in every exported file. */
    static final String BATCH = "N";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> problems = new ArrayList<>();

    private VaelabInterfaceCheck() {
    }

    /** Every violation found; empty when the file keeps the contract. */
    static List<String> check(ModelProto model) {
        VaelabInterfaceCheck c = new VaelabInterfaceCheck();
        c.model(model);
        return List.copyOf(c.problems);
    }

    private void model(ModelProto m) {
        Map<String, String> properties = new LinkedHashMap<>();
        m.getMetadataPropsList().forEach(e -> properties.put(e.getKey(), e.getValue()));
        ModelCard card;
        Role role;
        try {
            card = ModelCard.fromProperties(properties, "the model");
            role = ModelCard.roleOf(properties, "the model");
        } catch (VaelabException e) {
            problems.add(e.getMessage());
            return;
        }
        List<String> missing = ModelCard.SHAPE_KEYS.stream().filter(k -> !properties.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            problems.add("the model lacks the vaelab metadata " + String.join(", ", missing));
        }
        if (m.getDocString().isBlank()) {
            problems.add("the model has no doc string");
        }
        if (m.getGraph().getDocString().isBlank()) {
            problems.add("the graph has no doc string");
        }
        List<ValueInfoProto> inputs = m.getGraph().getInputList();
        List<ValueInfoProto> outputs = m.getGraph().getOutputList();
        for (ValueInfoProto v : inputs) {
            value(v, "input");
        }
        for (ValueInfoProto v : outputs) {
            value(v, "output");
        }
        described(properties.get(ModelCard.KEY_INPUTS), inputs, ModelCard.KEY_INPUTS);
        described(properties.get(ModelCard.KEY_OUTPUTS), outputs, ModelCard.KEY_OUTPUTS);

        List<String> expectedInputs = new ArrayList<>(List.of(role == Role.ENCODER ? "x" : "z"));
        if (card.conditional()) {
            expectedInputs.add("y");
        }
        names("inputs", inputs, expectedInputs, true);
        if (role == Role.ENCODER) {
            names("outputs", outputs, List.of("mu", "logvar"), true);
            image(find(inputs, "x"), card, "input x");
            dims(find(outputs, "mu"), List.of((long) card.latentDim()), "output mu");
            dims(find(outputs, "logvar"), List.of((long) card.latentDim()), "output logvar");
        } else {
            names("outputs", outputs, List.of("mean"), false);
            dims(find(inputs, "z"), List.of((long) card.latentDim()), "input z");
            image(find(outputs, "mean"), card, "output mean");
        }
        if (card.conditional()) {
            dims(find(inputs, "y"), List.of((long) card.numClasses()), "input y");
        }
    }

    /** A float tensor with a doc string, batch axis N first and every other axis sized. */
    private void value(ValueInfoProto v, String kind) {
        String id = kind + " '" + v.getName() + "'";
        if (v.getDocString().isBlank()) {
            problems.add(id + " has no doc string");
        }
        if (!v.getType().hasTensorType()) {
            return; // reported by the structure check
        }
        var t = v.getType().getTensorType();
        if (t.getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            problems.add(id + " is not float32 (element type " + t.getElemType() + ")");
        }
        List<TensorShapeProto.Dimension> dims = t.getShape().getDimList();
        if (dims.isEmpty() || !BATCH.equals(dims.get(0).getDimParam())) {
            problems.add(id + " does not start with the dynamic batch axis " + BATCH);
        }
        for (int i = 1; i < dims.size(); i++) {
            if (!dims.get(i).hasDimValue() || dims.get(i).getDimValue() <= 0) {
                problems.add(id + " axis " + i + " has no positive static size");
            }
        }
    }

    private void described(String json, List<ValueInfoProto> values, String key) {
        if (json == null) {
            return;
        }
        try {
            Map<String, String> described = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
            List<String> actual = values.stream().map(ValueInfoProto::getName).toList();
            if (!new ArrayList<>(described.keySet()).equals(actual)) {
                problems.add(key + " describes " + described.keySet() + " but the graph has " + actual);
            }
        } catch (JsonProcessingException e) {
            problems.add(key + " is not a JSON object of names to descriptions: " + e.getOriginalMessage());
        }
    }

    /** The names, in order; with {@code exact} false, {@code expected} is only a prefix. */
    private void names(String kind, List<ValueInfoProto> values, List<String> expected, boolean exact) {
        List<String> actual = values.stream().map(ValueInfoProto::getName).toList();
        boolean ok = exact ? actual.equals(expected)
                : actual.size() >= expected.size() && actual.subList(0, expected.size()).equals(expected);
        if (!ok) {
            problems.add("the " + kind + " are " + actual + "; the interface needs " + expected + (exact ? "" : " first"));
        }
    }

    /** [N, C·H·W] or [N, C, H, W] for the card's image shape. */
    private void image(ValueInfoProto v, ModelCard card, String id) {
        if (v == null) {
            return;
        }
        List<Long> rest = rest(v);
        List<Long> flat = List.of((long) card.imageSize());
        List<Long> chw = List.of((long) card.channels(), (long) card.height(), (long) card.width());
        if (!rest.equals(flat) && !rest.equals(chw)) {
            problems.add(id + " is [N, " + join(rest) + "]; the image shape " + card.imageShape() + " needs [N, "
                    + card.imageSize() + "] or [N, " + join(chw) + "]");
        }
    }

    private void dims(ValueInfoProto v, List<Long> expected, String id) {
        if (v != null && !rest(v).equals(expected)) {
            problems.add(id + " is [N, " + join(rest(v)) + "]; the metadata says [N, " + join(expected) + "]");
        }
    }

    /** The static sizes after the batch axis. */
    private static List<Long> rest(ValueInfoProto v) {
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        return dims.stream().skip(1).map(d -> d.hasDimValue() ? d.getDimValue() : -1L).toList();
    }

    private static ValueInfoProto find(List<ValueInfoProto> values, String name) {
        return values.stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
    }

    private static String join(List<Long> dims) {
        return String.join(", ", dims.stream().map(String::valueOf).toList());
    }
}
