package dev.vaelab.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a file is a valid exported model: the ONNX checker's structural rules
 * ({@link OnnxStructureCheck}), vaelab's interface and metadata ({@link VaelabInterfaceCheck}), and
 * a strict load and run in ONNX Runtime ({@link OrtLoadCheck}), which does the full type and shape
 * inference. The runtime check runs only when the structure is sound, since ORT's message for a
 * malformed graph says less than ours.
 */
public final class ModelValidator {
    private final OrtLoadCheck runtime = new OrtLoadCheck();

    @Inject
    public ModelValidator() {
    }

    /** Every problem found in {@code model}; empty when it is valid. */
    public List<String> problems(byte[] model) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            return List.of("not an ONNX model (the protobuf does not parse: " + e.getMessage() + ")");
        }
        List<String> structure = OnnxStructureCheck.check(proto);
        List<String> problems = new ArrayList<>(structure);
        problems.addAll(VaelabInterfaceCheck.check(proto));
        if (structure.isEmpty()) {
            problems.addAll(runtime.check(model));
        }
        return problems;
    }

    /**
     * Throws unless {@code model} is valid.
     *
     * @param source names the model in the message, e.g. its file
     * @throws InvalidModelException listing every problem
     */
    public void requireValid(byte[] model, String source) {
        List<String> problems = problems(model);
        if (!problems.isEmpty()) {
            throw new InvalidModelException(source, problems);
        }
    }
}
