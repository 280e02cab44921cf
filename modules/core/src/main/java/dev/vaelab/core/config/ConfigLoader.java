package dev.vaelab.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML into a {@link ConfigMap} whose every node knows its file, line and column. Syntax
 * errors, duplicate keys and a top level that is not a map are {@link ConfigException}s at the
 * offending place.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Reads {@code file}; locations name it as given, so relative paths stay short in messages. */
    public static ConfigMap load(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(new SourceLocation(name, 1, 1), "no such file", e);
        } catch (IOException e) {
            throw new ConfigException(new SourceLocation(name, 1, 1), "cannot read the file: " + e, e);
        }
        return parse(text, name);
    }

    /** Parses {@code text}; {@code sourceName} is what locations name (a file path, {@code <override>}). */
    public static ConfigMap parse(String text, String sourceName) {
        SourceLocation start = new SourceLocation(sourceName, 1, 1);
        Optional<Node> root = compose(text, sourceName, start);
        if (root.isEmpty()) {
            throw new ConfigException(start, "the document is empty; expected a map of keys such as 'name: ...'");
        }
        YamlTreeBuilder builder = new YamlTreeBuilder(mark -> mark.map(m -> at(sourceName, m)).orElse(start));
        ConfigNode tree = builder.build(root.get(), "");
        if (!(tree instanceof ConfigMap map)) {
            throw new ConfigException(tree.location(), "the top level must be a map of keys such as 'name: ...', got "
                    + ValueReader.describe(tree));
        }
        return map;
    }

    /**
     * Parses a single value written in YAML flow style ({@code 4}, {@code [1, 2]},
     * {@code {type: adam}}), placing every node of it at {@code origin}: the text is a fragment of a
     * command line or a default, and positions inside it would mislead.
     */
    static ConfigNode parseValue(String text, SourceLocation origin, String path) {
        Optional<Node> node = compose(text, origin.file(), origin);
        if (node.isEmpty()) {
            return new ConfigScalar("", true, origin, path);
        }
        if (node.get() instanceof MappingNode m && m.getFlowStyle() == FlowStyle.BLOCK) {
            throw new ConfigException(origin, "'" + text + "' is not a single value; write maps in braces, e.g. {a: 1}");
        }
        return new YamlTreeBuilder(mark -> origin).build(node.get(), path);
    }

    private static Optional<Node> compose(String text, String sourceName, SourceLocation fallback) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(sourceName)
                .setSchema(new CoreSchema())
                .build();
        try {
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            SourceLocation location = e.getProblemMark().or(e::getContextMark)
                    .map(m -> at(sourceName, m)).orElse(fallback);
            throw new ConfigException(location, "YAML syntax error: " + describe(e, sourceName), e);
        } catch (YamlEngineException e) {
            throw new ConfigException(fallback, "YAML error: " + e.getMessage(), e);
        }
    }

    /** The parser's problem, with its context ("while parsing a flow sequence ...") where it has one. */
    private static String describe(MarkedYamlEngineException e, String sourceName) {
        String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
        if (e.getContext() == null) {
            return problem;
        }
        String where = e.getContextMark().map(m -> " at " + at(sourceName, m)).orElse("");
        return problem + " (" + e.getContext() + where + ")";
    }

    private static SourceLocation at(String sourceName, Mark mark) {
        return new SourceLocation(sourceName, mark.getLine() + 1, mark.getColumn() + 1);
    }
}
