package dev.vaelab.sweep;

import dev.vaelab.tracking.AtomicFiles;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to start the {@code vaelab} command line in a new JVM: the same Java and class path as this
 * process, and the main class the CLI binds.
 *
 * @param java the {@code java} executable
 * @param options JVM options, such as {@code -Xmx1g}
 * @param classPath the class path
 * @param mainClass the CLI's main class
 */
public record ChildJvm(Path java, List<String> options, String classPath, String mainClass) {
    public ChildJvm {
        Objects.requireNonNull(java, "java");
        options = List.copyOf(options);
        Objects.requireNonNull(classPath, "classPath");
        Objects.requireNonNull(mainClass, "mainClass");
    }

    /**
     * This JVM's Java and class path (made absolute, so a child may start elsewhere) with
     * {@code mainClass}; the options are a small serial-GC heap, as {@code ./vaelab} uses (data is
     * held as bytes and tensors live in native memory), then {@code $VAELAB_JAVA_OPTS}.
     */
    public static ChildJvm current(String mainClass) {
        List<String> options = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        String extra = System.getenv("VAELAB_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(Arrays.asList(extra.strip().split("\\s+")));
        }
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty())
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .reduce((a, b) -> a + File.pathSeparator + b).orElse("");
        return new ChildJvm(Path.of(System.getProperty("java.home"), "bin", "java"), options, classPath, mainClass);
    }

    /**
     * The command line that runs {@code args} of the CLI. The JVM options and the class path go into
     * {@code argFile} (a {@code java @file}), which keeps the process's command line short: ONNX
     * Runtime 1.29 crashes natively (SIGSEGV) in a process whose command line exceeds about 4 KB,
     * and a test's or a plugin user's class path easily does.
     */
    public List<String> command(List<String> args, Path argFile) {
        List<String> jvmArgs = new ArrayList<>(options);
        jvmArgs.addAll(List.of("-cp", classPath));
        StringBuilder text = new StringBuilder();
        for (String arg : jvmArgs) {
            text.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        AtomicFiles.writeString(argFile, text.toString());
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("@" + argFile.toAbsolutePath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
