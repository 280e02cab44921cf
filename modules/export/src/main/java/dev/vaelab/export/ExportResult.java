package dev.vaelab.export;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where an export wrote its files and how large they are. */
public record ExportResult(Path encoder, long encoderBytes, Path decoder, long decoderBytes) {
    /** {@code export/encoder_bytes} and {@code export/decoder_bytes}, for the run's summary. */
    public Map<String, Double> summaryMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("export/encoder_bytes", (double) encoderBytes);
        m.put("export/decoder_bytes", (double) decoderBytes);
        return m;
    }
}
