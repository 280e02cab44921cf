package dev.vaelab.export;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;

/**
 * The {@code export:} section.
 *
 * @param onnx whether the encoder and decoder are exported as ONNX at the end (default true)
 */
public record ExportSpec(boolean onnx) {
    private static final List<String> KEYS = List.of("onnx");

    /** Reads and validates the section. */
    public static ExportSpec parse(ConfigMap export) {
        export.allowOnly(KEYS);
        return new ExportSpec(export.bool("onnx", true));
    }
}
