package dev.vaelab.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A YAML mapping, read with validation. The tree itself is immutable; what is recorded is how it was
 * read:
 *
 * <ul>
 *   <li>Every typed getter records its key as <em>allowed</em>, whether or not the key is present.
 *       {@link #finish()} then rejects any present key nobody asked for, listing the allowed ones
 *       and the closest match, so a typo never passes silently.
 *   <li>Every default a getter applies is recorded, so {@link #resolved()} returns the config as it
 *       was actually used, defaults included.
 * </ul>
 *
 * <p>A value of the wrong type is a {@link ConfigException} at that value; a missing required key
 * is one at this map. A key whose value is YAML null ({@code key:} with nothing after it) counts as
 * absent: the default applies, or the key is reported missing.
 */
public final class ConfigMap implements ConfigNode {

    /**
     * One key of the map.
     *
     * @param key the key's text
     * @param keyLocation where the key is written (unknown-key errors point here)
     * @param value its value
     */
    public record Entry(String key, SourceLocation keyLocation, ConfigNode value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyLocation, "keyLocation");
            Objects.requireNonNull(value, "value");
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byKey;
    private final SourceLocation location;
    private final String path;
    private final ReadLog log = new ReadLog();

    ConfigMap(List<Entry> entries, SourceLocation location, String path) {
        this.entries = List.copyOf(entries);
        this.location = Objects.requireNonNull(location, "location");
        this.path = Objects.requireNonNull(path, "path");
        Map<String, Entry> index = new LinkedHashMap<>();
        for (Entry e : this.entries) {
            if (index.putIfAbsent(e.key(), e) != null) {
                throw new IllegalArgumentException("duplicate key " + e.key() + " in " + path);
            }
        }
        this.byKey = Map.copyOf(index);
    }

    @Override
    public SourceLocation location() {
        return location;
    }

    @Override
    public String path() {
        return path;
    }

    /** The entries in their written order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The keys present, in their written order. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        entries.forEach(e -> keys.add(e.key()));
        return keys;
    }

    /** Whether {@code key} is present with a non-null value. Does not mark the key as allowed. */
    public boolean has(String key) {
        return present(key).isPresent();
    }

    /**
     * Where the value of {@code key} is: the written value, else an applied default (which sits at
     * this map), else this map.
     */
    public SourceLocation locationOf(String key) {
        Entry e = byKey.get(key);
        return e == null ? location : e.value().location();
    }

    // ---- untyped and structural getters -------------------------------------------------------

    /** The raw node of {@code key} (absent if missing or null), marking the key as allowed. */
    public Optional<ConfigNode> node(String key) {
        return value(key);
    }

    /** A required nested map. */
    public ConfigMap map(String key) {
        return ValueReader.map(required(key), subject(key));
    }

    /**
     * A nested map, or the map written as YAML flow text in {@code defaultYaml} (e.g.
     * {@code "{type: adam, lr: 1.0e-3}"}) when absent. The default is recorded with its values, and
     * what readers later ask of it is recorded in it, like any other map.
     */
    public ConfigMap map(String key, String defaultYaml) {
        return ValueReader.map(orDefault(key, () -> {
            ConfigNode parsed = ConfigLoader.parseValue(defaultYaml, location, ConfigPath.child(path, key));
            if (!(parsed instanceof ConfigMap)) {
                throw new IllegalArgumentException("default of " + key + " is not a map: " + defaultYaml);
            }
            return parsed;
        }), subject(key));
    }

    /** A nested map if present; no default is recorded. */
    public Optional<ConfigMap> optionalMap(String key) {
        return value(key).map(n -> ValueReader.map(n, subject(key)));
    }

    // ---- scalars ------------------------------------------------------------------------------

    /** A required string; any scalar counts, so {@code name: 2024} reads as {@code "2024"}. */
    public String string(String key) {
        return ValueReader.string(required(key), subject(key));
    }

    public String string(String key, String defaultValue) {
        return ValueReader.string(orDefault(key, () -> quoted(key, defaultValue)), subject(key));
    }

    /** A string if present; no default is recorded. */
    public Optional<String> optionalString(String key) {
        return value(key).map(n -> ValueReader.string(n, subject(key)));
    }

    /** A required string that must be one of {@code allowed}; the error lists them. */
    public String choice(String key, Set<String> allowed) {
        return checkChoice(key, string(key), allowed);
    }

    public String choice(String key, Set<String> allowed, String defaultValue) {
        return checkChoice(key, string(key, defaultValue), allowed);
    }

    public int integer(String key) {
        return toInt(key, required(key));
    }

    public int integer(String key, int defaultValue) {
        return toInt(key, orDefault(key, () -> plain(key, Integer.toString(defaultValue))));
    }

    /** A required integer of at least {@code min}. */
    public int intAtLeast(String key, int min) {
        return atLeast(key, integer(key), min);
    }

    public int intAtLeast(String key, int min, int defaultValue) {
        return atLeast(key, integer(key, defaultValue), min);
    }

    /** A required integer of at least 1. */
    public int positiveInt(String key) {
        return intAtLeast(key, 1);
    }

    public int positiveInt(String key, int defaultValue) {
        return intAtLeast(key, 1, defaultValue);
    }

    public long longValue(String key) {
        return ValueReader.integer(required(key), subject(key), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public long longValue(String key, long defaultValue) {
        ConfigNode node = orDefault(key, () -> plain(key, Long.toString(defaultValue)));
        return ValueReader.integer(node, subject(key), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A required number: integers and floats such as {@code 1.0e-3}, {@code 1e-3}, {@code .inf}. */
    public double number(String key) {
        return ValueReader.number(required(key), subject(key));
    }

    public double number(String key, double defaultValue) {
        return ValueReader.number(orDefault(key, () -> plain(key, formatDouble(defaultValue))), subject(key));
    }

    /** A required number greater than 0. */
    public double positiveNumber(String key) {
        return positive(key, number(key));
    }

    public double positiveNumber(String key, double defaultValue) {
        return positive(key, number(key, defaultValue));
    }

    /** A required number of at least {@code min}. */
    public double numberAtLeast(String key, double min) {
        return atLeast(key, number(key), min);
    }

    public double numberAtLeast(String key, double min, double defaultValue) {
        return atLeast(key, number(key, defaultValue), min);
    }

    /** A required {@code true} or {@code false}. */
    public boolean bool(String key) {
        return ValueReader.bool(required(key), subject(key));
    }

    public boolean bool(String key, boolean defaultValue) {
        return ValueReader.bool(orDefault(key, () -> plain(key, Boolean.toString(defaultValue))), subject(key));
    }

    // ---- lists --------------------------------------------------------------------------------

    /** A required list of integers, e.g. {@code [400, 200]}. */
    public List<Integer> intList(String key) {
        return list(key, required(key), "a list of integers", ConfigMap::intElement);
    }

    public List<Integer> intList(String key, List<Integer> defaultValue) {
        ConfigNode node = orDefault(key, () -> plainList(key, defaultValue, String::valueOf));
        return list(key, node, "a list of integers", ConfigMap::intElement);
    }

    public List<Double> doubleList(String key) {
        return list(key, required(key), "a list of numbers", ValueReader::number);
    }

    public List<Double> doubleList(String key, List<Double> defaultValue) {
        ConfigNode node = orDefault(key, () -> plainList(key, defaultValue, ConfigMap::formatDouble));
        return list(key, node, "a list of numbers", ValueReader::number);
    }

    public List<String> stringList(String key) {
        return list(key, required(key), "a list of strings", ValueReader::string);
    }

    public List<String> stringList(String key, List<String> defaultValue) {
        ConfigNode node = orDefault(key, () -> {
            String listPath = ConfigPath.child(path, key);
            List<ConfigNode> elements = new ArrayList<>();
            for (int i = 0; i < defaultValue.size(); i++) {
                elements.add(new ConfigScalar(defaultValue.get(i), false, location, ConfigPath.element(listPath, i)));
            }
            return new ConfigList(elements, location, listPath);
        });
        return list(key, node, "a list of strings", ValueReader::string);
    }

    // ---- validation ---------------------------------------------------------------------------

    /**
     * Fails on the first present key (in written order) that no getter asked for. The error is at
     * that key and lists every key that was asked for, present or not, with the closest match.
     * Call it after reading all keys of this map.
     */
    public void finish() {
        Set<String> allowed = log.asked();
        for (Entry e : entries) {
            if (!allowed.contains(e.key())) {
                String what = path.isEmpty()
                        ? "unknown top-level key '" + e.key() + "'"
                        : "unknown key '" + e.key() + "' in '" + path + "'";
                throw new ConfigException(e.keyLocation(), what + "; allowed keys: "
                        + Suggestions.list(allowed) + Suggestions.didYouMean(e.key(), allowed));
            }
        }
    }

    /**
     * Declares the complete set of keys this map may hold and checks it now, before any value is
     * read, so a misspelt required key is reported as a typo rather than as missing.
     */
    public void allowOnly(Collection<String> keys) {
        keys.forEach(log::ask);
        finish();
    }

    /** An error about the value of {@code key}, at that value: {@code 'key' in 'path' <problem>}. */
    public ConfigException invalid(String key, String problem) {
        return new ConfigException(locationOf(key), subject(key) + " " + problem);
    }

    // ---- resolved config and overrides --------------------------------------------------------

    /**
     * A copy of this tree as it was used: present keys in their order (null values replaced by the
     * defaults applied for them), then the defaults applied for absent keys, recursively. Defaults
     * applied after this call are not included, so call it once every reader has run.
     */
    public ConfigMap resolved() {
        Map<String, ConfigNode> defaults = log.defaults();
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            ConfigNode value = e.value();
            if (value instanceof ConfigScalar s && s.isNull() && defaults.containsKey(e.key())) {
                value = defaults.get(e.key());
            }
            out.add(new Entry(e.key(), e.keyLocation(), resolve(value)));
        }
        defaults.forEach((key, value) -> {
            if (!byKey.containsKey(key)) {
                out.add(new Entry(key, value.location(), resolve(value)));
            }
        });
        return new ConfigMap(out, location, path);
    }

    /**
     * The leaves of this tree, flattened as {@link #flatten()} spells them, whose value differs from
     * the default their reader offered; a key read without a default (a required one) always counts.
     * Absent keys, nulls and present maps that hold only defaults contribute nothing. This is what
     * sets one run apart from the defaults (MLflow's params); call it once every reader has run.
     */
    public Map<String, String> flattenNonDefaults() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        nonDefaults(this, null, "", out);
        return out;
    }

    private static void nonDefaults(ConfigMap map, ConfigMap offeredMap, String prefix, Map<String, String> out) {
        Map<String, ConfigNode> offered = map.log.offered();
        for (Entry e : map.entries) {
            ConfigNode value = e.value();
            if (value instanceof ConfigScalar s && s.isNull()) {
                continue; // replaced by its default
            }
            ConfigNode fallback = offeredMap == null ? null : offeredMap.byKey.get(e.key()) == null ? null
                    : offeredMap.byKey.get(e.key()).value();
            ConfigNode byDefault = offered.getOrDefault(e.key(), fallback);
            String key = ConfigPath.child(prefix, e.key());
            if (value instanceof ConfigMap nested) {
                nonDefaults(nested, byDefault instanceof ConfigMap m ? m : null, key, out);
            } else if (byDefault == null || !Flattener.flatten(value).equals(Flattener.flatten(byDefault))) {
                Flattener.flatten(value).forEach((k, v) -> out.put(k.isEmpty() ? key : key + (k.startsWith("[") ? "" : ".") + k, v));
            }
        }
    }

    /**
     * A new tree in which the value at {@code dottedKey} (relative to this map, e.g.
     * {@code beta.end}) is replaced by {@code valueText} parsed as a YAML scalar, flow sequence or
     * flow map. Missing maps on the way are created and new keys added, all located at
     * {@code origin}, so a key no reader asks for fails at {@link #finish()} pointing at the
     * override. This map is left as it is.
     */
    public ConfigMap withOverride(String dottedKey, String valueText, SourceLocation origin) {
        return Overrides.apply(this, dottedKey, Overrides.parse(dottedKey, valueText, origin), origin);
    }

    /**
     * Like {@link #withOverride(String, String, SourceLocation)} with a value taken from another
     * tree (a sweep's parameter values), which keeps its own location.
     */
    public ConfigMap withOverride(String dottedKey, ConfigNode value) {
        return Overrides.apply(this, dottedKey, value, value.location());
    }

    // ---- internals ----------------------------------------------------------------------------

    private Optional<ConfigNode> present(String key) {
        Entry e = byKey.get(key);
        if (e == null || (e.value() instanceof ConfigScalar s && s.isNull())) {
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    private Optional<ConfigNode> value(String key) {
        log.ask(key);
        return present(key);
    }

    private ConfigNode required(String key) {
        return value(key).orElseThrow(() -> new ConfigException(location, path.isEmpty()
                ? "missing required top-level key '" + key + "'"
                : "missing required key '" + key + "' in '" + path + "'"));
    }

    private ConfigNode orDefault(String key, Supplier<ConfigNode> defaultNode) {
        Optional<ConfigNode> present = value(key);
        if (present.isPresent()) {
            log.offer(key, defaultNode); // to tell a value that differs from it
            return present.get();
        }
        return log.applyDefault(key, defaultNode);
    }

    /** How messages name a key of this map: {@code 'latent_dim' in 'model'}, or {@code 'seed'} at the top. */
    private String subject(String key) {
        return path.isEmpty() ? "'" + key + "'" : "'" + key + "' in '" + path + "'";
    }

    private int toInt(String key, ConfigNode node) {
        return intElement(node, subject(key));
    }

    private static int intElement(ConfigNode node, String subject) {
        return (int) ValueReader.integer(node, subject, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private int atLeast(String key, int value, int min) {
        if (value < min) {
            throw invalid(key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    private double atLeast(String key, double value, double min) {
        if (!(value >= min)) {
            throw invalid(key, "must be at least " + formatDouble(min) + ", got " + formatDouble(value));
        }
        return value;
    }

    private double positive(String key, double value) {
        if (!(value > 0)) {
            throw invalid(key, "must be greater than 0, got " + formatDouble(value));
        }
        return value;
    }

    private String checkChoice(String key, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw invalid(key, "must be one of " + Suggestions.list(allowed) + ", got '" + value + "'"
                    + Suggestions.didYouMean(value, allowed));
        }
        return value;
    }

    private <T> List<T> list(String key, ConfigNode node, String expected, ElementReader<T> reader) {
        List<ConfigNode> elements = ValueReader.list(node, subject(key), expected);
        List<T> out = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            out.add(reader.read(elements.get(i), "element " + i + " of " + subject(key)));
        }
        return List.copyOf(out);
    }

    /** Reads one list element; the subject names the element for messages. */
    private interface ElementReader<T> {
        T read(ConfigNode element, String subject);
    }

    private ConfigScalar plain(String key, String text) {
        return new ConfigScalar(text, true, location, ConfigPath.child(path, key));
    }

    private ConfigScalar quoted(String key, String text) {
        return new ConfigScalar(text, false, location, ConfigPath.child(path, key));
    }

    private <T> ConfigList plainList(String key, List<T> values, Function<T, String> format) {
        String listPath = ConfigPath.child(path, key);
        List<ConfigNode> elements = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String text = format.apply(values.get(i));
            elements.add(new ConfigScalar(text, true, location, ConfigPath.element(listPath, i)));
        }
        return new ConfigList(elements, location, listPath);
    }

    /** A double as YAML reads it back: Java's shortest round-trip form, infinities as {@code .inf}. */
    static String formatDouble(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("NaN has no place in a config");
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? ".inf" : "-.inf";
        }
        return Double.toString(value);
    }

    private static ConfigNode resolve(ConfigNode node) {
        if (node instanceof ConfigMap m) {
            return m.resolved();
        }
        if (node instanceof ConfigList l) {
            return new ConfigList(l.elements().stream().map(ConfigMap::resolve).toList(), l.location(), l.path());
        }
        return node;
    }

    /** Structural equality: same path, location and entries; what was read is not compared. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigMap m
                && m.path.equals(path) && m.location.equals(location) && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, location, entries);
    }

    @Override
    public String toString() {
        return "ConfigMap[" + (path.isEmpty() ? "<root>" : path) + " at " + location + ", keys " + keys() + "]";
    }
}
