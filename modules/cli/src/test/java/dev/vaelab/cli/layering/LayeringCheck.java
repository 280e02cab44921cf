package dev.vaelab.cli.layering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a source tree laid out as this repository ({@code modules/<m>/pom.xml},
 * {@code modules/<m>/src/main/java}) against {@link LayeringRules}, and that every module's pom
 * declares each vaelab module its main sources reference (imports and fully qualified names;
 * comments and string literals do not count). Each violation is one line naming the file, the
 * line and the offending reference.
 */
final class LayeringCheck {
    private static final Pattern NOISE = Pattern.compile(
            "\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'|/\\*[\\s\\S]*?\\*/|//[^\\n]*");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.vaelab\\.([a-z][a-z0-9_]*)((?:\\.[A-Za-z_][\\w]*)*)");
    private static final Pattern POM_DEPENDENCY = Pattern.compile("<dependency>([\\s\\S]*?)</dependency>");
    private static final Pattern VAELAB_ARTIFACT = Pattern.compile("<artifactId>\\s*vaelab-([a-z0-9]+)\\s*</artifactId>");

    private final Path root;

    LayeringCheck(Path root) {
        this.root = root;
    }

    /** Every violation, sorted by file and line; empty when the tree keeps the rules. */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        for (String module : modules()) {
            Set<String> declared = declaredDependencies(module);
            for (String dependency : declared) {
                LayeringRules.forbiddenModule(module, dependency).ifPresent(why -> out.add(
                        relative(pom(module)) + ": " + module + " declares vaelab-" + dependency + ": " + why));
            }
            for (Path file : javaFiles(module)) {
                out.addAll(checkSource(module, declared, file));
            }
        }
        return out;
    }

    private List<String> checkSource(String module, Set<String> declared, Path file) {
        String code = withoutCommentsAndStrings(read(file));
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            String target = m.group(1);
            if (target.equals(module)) {
                continue;
            }
            String reference = m.group(0);
            String where = relative(file) + ":" + lineOf(code, m.start()) + ": " + module + " references " + reference;
            var forbidden = LayeringRules.forbiddenModule(module, target);
            if (forbidden.isPresent()) {
                out.add(where + ": " + forbidden.get());
            } else if (!declared.contains(target)) {
                out.add(where + ": its pom (" + relative(pom(module)) + ") does not declare vaelab-" + target);
            } else {
                LayeringRules.forbiddenReference(module, reference).ifPresent(why -> out.add(where + ": " + why));
            }
        }
        return out;
    }

    /** The vaelab modules the pom depends on outside the test scope. */
    private Set<String> declaredDependencies(String module) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = POM_DEPENDENCY.matcher(withoutXmlComments(read(pom(module))));
        while (m.find()) {
            Matcher artifact = VAELAB_ARTIFACT.matcher(m.group(1));
            if (artifact.find() && !m.group(1).matches("(?s).*<scope>\\s*test\\s*</scope>.*")) {
                out.add(artifact.group(1));
            }
        }
        return out;
    }

    private List<String> modules() {
        try (Stream<Path> dirs = Files.list(root.resolve("modules"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> javaFiles(String module) {
        Path sources = root.resolve("modules").resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pom(String module) {
        return root.resolve("modules").resolve(module).resolve("pom.xml");
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Blanks comments and literals, keeping every newline so that line numbers stay right. */
    static String withoutCommentsAndStrings(String code) {
        Matcher m = NOISE.matcher(code);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", " ")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String withoutXmlComments(String xml) {
        return xml.replaceAll("<!--[\\s\\S]*?-->", "");
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
