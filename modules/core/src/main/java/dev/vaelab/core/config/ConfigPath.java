package dev.vaelab.core.config;

/** Builds the dotted paths nodes carry ({@code model.encoder.hidden[1]}). */
final class ConfigPath {
    private ConfigPath() {}

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String element(String list, int index) {
        return list + "[" + index + "]";
    }
}
