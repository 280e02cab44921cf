package dev.vaelab.sweep;

import dev.vaelab.core.error.VaelabException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Starts each run in its own child JVM on this machine, so that nothing a run does (a NaN, an
 * out-of-memory error, a native crash) can take the sweep or another run down. The child's output
 * is appended to the run's log; it is told this process's pid and stops (marking its run killed)
 * when this process disappears, even by SIGKILL.
 */
public final class ChildProcessStarter implements RunStarter {
    private final ChildJvm jvm;

    @Inject
    public ChildProcessStarter(ChildJvm jvm) {
        this.jvm = jvm;
    }

    @Override
    public RunHandle start(LaunchRequest request) {
        List<String> args = new ArrayList<>();
        args.add(ChildRun.COMMAND);
        args.addAll(request.childArguments(Optional.of(ProcessHandle.current().pid())));
        List<String> command = jvm.command(args, request.workDirectory().resolve("child-jvm.args"));
        try {
            Files.createDirectories(request.logFile().toAbsolutePath().getParent());
            Files.writeString(request.logFile(), LogTail.HEADER + Instant.now() + " " + String.join(" ", command) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(request.logFile().toFile()))
                    .start();
            process.getOutputStream().close(); // the run reads no input
            return new ProcessRun(process);
        } catch (IOException e) {
            throw new VaelabException("cannot start run " + request.run().name() + " (" + command.get(0) + "): "
                    + e.getMessage(), e);
        }
    }

    /** A child process. */
    private record ProcessRun(Process process) implements RunHandle {
        @Override
        public OptionalInt exitCode() {
            return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
        }

        @Override
        public void stop() {
            process.destroy(); // SIGTERM: the child records its run killed and stops (ProcessStop)
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public String describe() {
            return "pid " + process.pid();
        }
    }
}
