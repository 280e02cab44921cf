package dev.vaelab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the small JSON files of a run directory as trees, pretty-printed for people. */
final class JsonFiles {
    // ObjectReader and ObjectWriter are immutable and thread-safe, unlike a configurable ObjectMapper.
    private static final ObjectReader READER = new ObjectMapper().reader();
    private static final ObjectWriter WRITER = new ObjectMapper().writerWithDefaultPrettyPrinter();

    private JsonFiles() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The JSON text of {@code node}, ending in a line break. */
    static String toText(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written as text", e);
        }
    }

    /** The JSON object in {@code file}; {@code what} names the file's role in error messages. */
    static ObjectNode readObject(Path file, String what) {
        JsonNode node;
        try {
            node = READER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new DataException(what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DataException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new DataException(what + " " + file + " does not hold a JSON object");
        }
        return object;
    }
}
