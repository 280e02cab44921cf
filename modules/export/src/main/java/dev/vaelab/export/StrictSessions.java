package dev.vaelab.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.runtime.OrtEngine;

/**
 * ONNX Runtime sessions for checking models rather than for speed: full type and shape inference
 * with every inconsistency an error, released opsets only, one thread (checks run beside training),
 * and graph optimizations on or off as asked.
 */
final class StrictSessions {
    /** ORT session option: every inconsistency found by shape and type inference fails the load. */
    static final String STRICT_INFERENCE = "session.strict_shape_type_inference";
    /** ORT session option: an opset newer than the latest released one fails the load. */
    static final String RELEASED_OPSETS_ONLY = "session.allow_released_opsets_only";

    private StrictSessions() {
    }

    static OrtEnvironment environment() {
        return OrtEngine.sharedEnvironment();
    }

    static OrtSession open(byte[] model, boolean optimize) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addConfigEntry(STRICT_INFERENCE, "1");
            options.addConfigEntry(RELEASED_OPSETS_ONLY, "1");
            options.setOptimizationLevel(optimize ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                    : OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return environment().createSession(model, options);
        }
    }
}
