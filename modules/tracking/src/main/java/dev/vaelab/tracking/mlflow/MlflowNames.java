package dev.vaelab.tracking.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keys and values as an MLflow server accepts them. Keys may hold letters, digits, {@code _ - . /}
 * and spaces, at most 250 characters, with no empty, {@code .} or {@code ..} segment between
 * slashes; param values at most 6000 characters, and tag values at most 5000 (the size every
 * MLflow store is documented to accept).
 */
public final class MlflowNames {
    public static final int MAX_KEY_LENGTH = 250;
    public static final int MAX_PARAM_VALUE_LENGTH = 6000;
    public static final int MAX_TAG_VALUE_LENGTH = 5000;
    /** Where a param value too long for a param is stored in full. */
    public static final String LONG_PARAMS_DIR = "params";

    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
    private static final Pattern DISALLOWED = Pattern.compile("[^A-Za-z0-9_\\-. /]");

    private MlflowNames() {}

    /**
     * {@code key} made acceptable: list indices {@code a[0].b} become {@code a.0.b}, other
     * characters MLflow refuses become {@code _}, empty or dot segments {@code _}, and the result is
     * cut to 250 characters. Keys that are already acceptable come back unchanged.
     */
    public static String key(String key) {
        String k = DISALLOWED.matcher(INDEX.matcher(key).replaceAll(".$1")).replaceAll("_");
        String[] segments = k.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].isEmpty() || segments[i].equals(".") || segments[i].equals("..")) {
                segments[i] = "_";
            }
        }
        k = String.join("/", segments);
        return k.length() > MAX_KEY_LENGTH ? k.substring(0, MAX_KEY_LENGTH) : k;
    }

    /**
     * Params with acceptable keys; when two keys become the same, later ones get {@code _2},
     * {@code _3}, ... so that no value is lost or overwritten.
     */
    public static Map<String, String> params(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String base = key(e.getKey());
            String k = base;
            for (int n = 2; out.containsKey(k); n++) {
                String suffix = "_" + n;
                k = (base.length() + suffix.length() > MAX_KEY_LENGTH
                        ? base.substring(0, MAX_KEY_LENGTH - suffix.length()) : base) + suffix;
            }
            out.put(k, e.getValue() == null ? "null" : e.getValue());
        }
        return out;
    }

    /** Whether this param value must go to an artifact. */
    public static boolean tooLongForParam(String value) {
        return value.length() > MAX_PARAM_VALUE_LENGTH;
    }

    /** The artifact path of the full value of a param too long to log: {@code params/<key>.txt}. */
    public static String longParamArtifact(String key) {
        return LONG_PARAMS_DIR + "/" + key.replace('/', '_').replace(' ', '_') + ".txt";
    }

    /** The shortened value logged for a param too long to log, saying where the full value is. */
    public static String shortenedParam(String key, String value) {
        String note = " ... [" + value.length() + " characters, cut to fit MLflow's " + MAX_PARAM_VALUE_LENGTH
                + "; the full value is the artifact " + longParamArtifact(key) + "]";
        return value.substring(0, MAX_PARAM_VALUE_LENGTH - note.length()) + note;
    }

    /** A tag value cut to fit, saying so. */
    public static String tagValue(String value) {
        if (value.length() <= MAX_TAG_VALUE_LENGTH) {
            return value;
        }
        String note = " ... [cut from " + value.length() + " characters]";
        return value.substring(0, MAX_TAG_VALUE_LENGTH - note.length()) + note;
    }

    /** The prefix of a grid's image key: the UI groups {@code grids/samples}, ... into a section of their own. */
    public static final String GRID_IMAGE_PREFIX = "grids/";

    /** The MLflow image key of a grid kind: {@code grids/samples}. */
    public static String gridImageKey(String kind) {
        return GRID_IMAGE_PREFIX + kind;
    }

    /**
     * The file name stem MLflow's {@code log_image(key=..., step=...)} gives an image, with the
     * {@code +} separators of MLflow 3 (the UI reads {@code +} and {@code %}):
     * {@code images/<key>+step+<step>+timestamp+<ms>+<uuid>}, a {@code /} of the key written
     * {@code ~} as MLflow's client writes it (the UI reads it back as {@code /} and groups the charts
     * by the part before it); append {@code .png}, or {@code +compressed.webp} for the preview. The
     * uuid is derived from {@code seed} (the vaelab run id, key, step and time), so the same image
     * logged live or synced later gets the same name, and, like MLflow's, it starts with a letter
     * past {@code f} so it never begins with hex digits.
     */
    public static String imageStem(String key, long step, long timestamp, String seed) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("+") || key.contains("%")
                || key.contains("~")) {
            throw new IllegalArgumentException("image key '" + key + "' must be non-empty, hold no + % or ~, and "
                    + "neither start nor end with /");
        }
        String uuid = UUID.nameUUIDFromBytes((seed + '\n' + key + '\n' + step + '\n' + timestamp)
                .getBytes(StandardCharsets.UTF_8)).toString();
        char first = (char) ('g' + Math.floorMod(uuid.hashCode(), 20));
        return "images/" + key.replace('/', '~') + "+step+" + step + "+timestamp+" + timestamp + "+" + first + uuid.substring(1);
    }
}
