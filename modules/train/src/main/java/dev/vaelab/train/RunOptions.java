package dev.vaelab.train;

import dev.vaelab.data.DataRoot;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * How to run, as opposed to what (the YAML): where results and data live, the thread budget
 * ({@code 0} = {@code train.threads}, else every core) and where to print progress.
 */
public record RunOptions(Path resultsRoot, DataRoot dataRoot, int threads, PrintStream console) {
}
