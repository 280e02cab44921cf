package dev.vaelab.train;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run's name derives from its resolved config, so the same experiment and seed always map to the
 * same folder (a finished run is found again instead of trained twice) and any change of a value,
 * defaults included, gives a new one.
 */
public final class RunNames {
    private RunNames() {
    }

    public static String of(String experimentName, String resolvedYaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(resolvedYaml.getBytes(StandardCharsets.UTF_8));
            return experimentName + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
