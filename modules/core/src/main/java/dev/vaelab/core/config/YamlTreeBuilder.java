package dev.vaelab.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns a composed snakeyaml node graph into a {@link ConfigNode} tree, giving every node its
 * location and path. It also rejects what the composer lets through: duplicate keys (naming both
 * lines), non-scalar keys and recursive aliases.
 */
final class YamlTreeBuilder {
    private final Function<Optional<Mark>, SourceLocation> locate;
    /** Nodes being converted, to catch an alias that contains itself before it recurses forever. */
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

    /** {@code locate} maps a node's start mark (absent for synthetic nodes) to its location. */
    YamlTreeBuilder(Function<Optional<Mark>, SourceLocation> locate) {
        this.locate = locate;
    }

    ConfigNode build(Node node, String path) {
        SourceLocation location = locate.apply(node.getStartMark());
        if (node instanceof ScalarNode scalar) {
            boolean plain = scalar.getScalarStyle() == ScalarStyle.PLAIN;
            return new ConfigScalar(scalar.getValue(), plain, location, path);
        }
        if (!inProgress.add(node)) {
            throw new ConfigException(location, "'" + path + "' refers to itself through an alias");
        }
        try {
            if (node instanceof SequenceNode sequence) {
                List<ConfigNode> elements = new ArrayList<>();
                for (Node element : sequence.getValue()) {
                    elements.add(build(element, ConfigPath.element(path, elements.size())));
                }
                return new ConfigList(elements, location, path);
            }
            return buildMap((MappingNode) node, location, path);
        } finally {
            inProgress.remove(node);
        }
    }

    private ConfigMap buildMap(MappingNode mapping, SourceLocation location, String path) {
        List<ConfigMap.Entry> entries = new ArrayList<>();
        Map<String, SourceLocation> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            SourceLocation keyLocation = locate.apply(tuple.getKeyNode().getStartMark());
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ConfigException(keyLocation, "keys must be plain words, not lists or maps"
                        + (path.isEmpty() ? "" : " (in '" + path + "')"));
            }
            String key = keyNode.getValue();
            SourceLocation first = seen.putIfAbsent(key, keyLocation);
            if (first != null) {
                throw new ConfigException(keyLocation, "duplicate key '" + key + "'"
                        + (path.isEmpty() ? "" : " in '" + path + "'")
                        + ": first defined at line " + first.line() + ", again at line " + keyLocation.line());
            }
            entries.add(new ConfigMap.Entry(key, keyLocation,
                    build(tuple.getValueNode(), ConfigPath.child(path, key))));
        }
        return new ConfigMap(entries, location, path);
    }
}
