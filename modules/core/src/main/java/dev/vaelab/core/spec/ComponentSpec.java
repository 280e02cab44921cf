package dev.vaelab.core.spec;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.core.config.Suggestions;
import java.util.Collection;

/**
 * A config section whose keys depend on the implementation the user picks with {@code type:}, such
 * as {@code model}, {@code likelihood}, {@code beta}, {@code train.optimizer} and the encoder and
 * decoder inside a model. The core reads only {@code type}; the factory registered for that type
 * reads its own keys from {@link #options()} and then calls {@link ConfigMap#finish()}, so its keys
 * are validated by the code that knows them.
 *
 * @param type the implementation name, e.g. {@code bernoulli}
 * @param typeLocation where the type is written (or the section, for a default)
 * @param options the whole section, {@code type} included; its other keys are still unread
 * @param path the section's dotted path, e.g. {@code train.optimizer}
 */
public record ComponentSpec(String type, SourceLocation typeLocation, ConfigMap options, String path) {

    /** Reads the required {@code type} of a section. */
    public static ComponentSpec from(ConfigMap section) {
        String type = section.string("type");
        return new ComponentSpec(type, section.locationOf("type"), section, section.path());
    }

    /** Reads the required section {@code key} of {@code parent}. */
    public static ComponentSpec read(ConfigMap parent, String key) {
        return from(parent.map(key));
    }

    /**
     * Reads section {@code key} of {@code parent}, or the default written as YAML flow text (e.g.
     * {@code "{type: adam, lr: 1.0e-3}"}) when absent; the default then shows in the resolved config.
     */
    public static ComponentSpec read(ConfigMap parent, String key, String defaultYaml) {
        return from(parent.map(key, defaultYaml));
    }

    /** A required nested component of this one, such as a model's {@code encoder}. */
    public ComponentSpec component(String key) {
        return read(options, key);
    }

    /** What kind of component this is in messages: the last key of its path ({@code optimizer}). */
    public String kind() {
        String last = path.substring(path.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    /**
     * The error for a type no factory is registered for, located at the {@code type:} value, e.g.
     * {@code unknown likelihood type 'bernouli'; known types: bernoulli, gaussian (did you mean 'bernoulli'?)}.
     */
    public ConfigException unknownType(Collection<String> known) {
        return new ConfigException(typeLocation, "unknown " + kind() + " type '" + type + "'; known types: "
                + Suggestions.list(known) + Suggestions.didYouMean(type, known));
    }
}
