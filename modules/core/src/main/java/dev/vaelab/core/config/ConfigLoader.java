package dev.vaelab.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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

    /**
     * The largest YAML file read. Experiment files are a few kilobytes; the YAML scanner's time grows
     * faster than linearly with some inputs (an 8 MB comment takes half a minute), so a bigger file
     * is refused before it is parsed.
     */
    public static final long MAX_BYTES = 1 << 20;

    /** Reads {@code file}; locations name it as given, so relative paths stay short in messages. */
    public static ConfigMap load(Path file) {
        String name = file.toString();
        SourceLocation start = new SourceLocation(name, 1, 1);
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(start, "is a directory; give the experiment's YAML file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(start, "the file is " + size + " bytes, more than the " + MAX_BYTES
                        + " a YAML file may have; is it the experiment file?");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(start, "no such file", e);
        } catch (IOException e) {
            throw new ConfigException(start, "cannot read the file: "
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()), e);
        }
        return parse(text(bytes, name), name);
    }

    /** The bytes as UTF-8 text, or an error at the first byte that is not (binary garbage, another encoding). */
    static String text(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(locate(bytes, firstInvalid(bytes), name), "not a text file: this byte is not UTF-8; "
                    + "save the file as UTF-8 text", e);
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new ConfigException(locate(bytes, text.substring(0, nul).getBytes(StandardCharsets.UTF_8).length, name),
                    "not a text file: it contains a NUL byte");
        }
        return text;
    }

    /** The offset of the first byte that does not decode as UTF-8. */
    private static int firstInvalid(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    /** The line and column (counted in bytes) of a byte offset, for a file that cannot be decoded. */
    private static SourceLocation locate(byte[] bytes, int offset, String name) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SourceLocation(name, line, column);
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
