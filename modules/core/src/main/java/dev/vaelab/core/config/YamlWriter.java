package dev.vaelab.core.config;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Renders a tree as YAML through snakeyaml's emitter, which quotes exactly the strings that would
 * otherwise read back as something else ({@code "10"}, {@code "true"}, {@code "a: b"}).
 */
final class YamlWriter {
    private YamlWriter() {}

    static String write(ConfigNode node) {
        CoreSchema schema = new CoreSchema();
        DumpSettings settings = DumpSettings.builder()
                .setSchema(schema)
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setSplitLines(false)
                .setWidth(Integer.MAX_VALUE)
                .build();
        StringBuilder out = new StringBuilder();
        new Dump(settings).dumpNode(toNode(node, schema.getScalarResolver()), new StreamDataWriter() {
            @Override
            public void write(String str) {
                out.append(str);
            }

            @Override
            public void write(String str, int off, int len) {
                out.append(str, off, off + len);
            }
        });
        return out.toString();
    }

    private static Node toNode(ConfigNode node, ScalarResolver resolver) {
        if (node instanceof ConfigScalar s) {
            // A plain scalar keeps the type YAML gives it, so it is written plain again; a quoted
            // one is a string, and the emitter quotes it if plain text would read as another type.
            Tag tag = s.plain() ? resolver.resolve(s.text(), true) : Tag.STR;
            ScalarStyle style = !s.plain() && s.text().contains("\n") ? ScalarStyle.LITERAL : ScalarStyle.PLAIN;
            return new ScalarNode(tag, s.text(), style);
        }
        if (node instanceof ConfigList l) {
            List<Node> elements = l.elements().stream().map(e -> toNode(e, resolver)).toList();
            return new SequenceNode(Tag.SEQ, elements, l.isFlat() ? FlowStyle.FLOW : FlowStyle.BLOCK);
        }
        List<NodeTuple> tuples = new ArrayList<>();
        for (ConfigMap.Entry e : ((ConfigMap) node).entries()) {
            tuples.add(new NodeTuple(new ScalarNode(Tag.STR, e.key(), ScalarStyle.PLAIN), toNode(e.value(), resolver)));
        }
        return new MappingNode(Tag.MAP, tuples, FlowStyle.BLOCK);
    }
}
