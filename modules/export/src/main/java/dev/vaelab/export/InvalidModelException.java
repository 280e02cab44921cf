package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.util.List;

/** A model file that breaks the ONNX rules or vaelab's interface; the message lists every problem. */
public final class InvalidModelException extends VaelabException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidModelException(String source, List<String> problems) {
        super(source + " is not a valid vaelab ONNX model:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
