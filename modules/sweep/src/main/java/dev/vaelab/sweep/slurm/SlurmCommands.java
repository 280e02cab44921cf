package dev.vaelab.sweep.slurm;

import dev.vaelab.core.error.VaelabException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm client commands vaelab runs ({@code sbatch}, {@code scontrol}, {@code scancel}), with
 * the environment they see ({@code SLURM_CONF} selects the cluster). Every failure is a
 * {@link VaelabException} that quotes Slurm's own message.
 */
public final class SlurmCommands {
    private static final long TIMEOUT_SECONDS = 60;
    private static final int DEFAULT_MAX_ARRAY_SIZE = 1001;

    private final String sbatch;
    private final String scontrol;
    private final Map<String, String> environment;

    /** The commands on the {@code PATH}, with this process's environment. */
    @Inject
    public SlurmCommands() {
        this("sbatch", "scontrol", System.getenv());
    }

    /** Given commands (a path or a name on the {@code PATH}) and environment, e.g. a test cluster's {@code SLURM_CONF}. */
    public SlurmCommands(String sbatch, String scontrol, Map<String, String> environment) {
        this.sbatch = Objects.requireNonNull(sbatch, "sbatch");
        this.scontrol = Objects.requireNonNull(scontrol, "scontrol");
        this.environment = Map.copyOf(environment);
    }

    /** Submits {@code script} and returns the job id; a rejected submission fails with sbatch's message. */
    public String submit(Path script) {
        Result r = exec(List.of(sbatch, "--parsable", script.toAbsolutePath().toString()), "submit the sweep");
        if (r.code() != 0) {
            throw new VaelabException("sbatch rejected the sweep's job array (exit code " + r.code() + "): "
                    + quote(r.err().isBlank() ? r.out() : r.err()) + "; the script is " + script.toAbsolutePath());
        }
        String id = r.out().strip().lines().reduce((a, b) -> b).orElse("");
        int semicolon = id.indexOf(';'); // --parsable prints "id;cluster" on a multi-cluster setup
        id = semicolon >= 0 ? id.substring(0, semicolon) : id;
        if (!id.matches("\\d+")) {
            throw new VaelabException("sbatch did not print a job id: " + quote(r.out() + r.err()));
        }
        return id;
    }

    /**
     * The tasks of job array {@code jobId} that Slurm still knows, from {@code scontrol show job -o}:
     * empty when Slurm no longer knows the job. A task cancelled while pending leaves no record.
     */
    public List<TaskState> tasks(String jobId) {
        Result r = exec(List.of(scontrol, "show", "job", "-o", jobId), "read the job's state");
        if (r.code() != 0) {
            if (r.err().contains("Invalid job id")) {
                return List.of();
            }
            throw new VaelabException("scontrol could not read job " + jobId + " (exit code " + r.code() + "): "
                    + quote(r.err()));
        }
        List<TaskState> tasks = new ArrayList<>();
        r.out().lines().filter(l -> !l.isBlank()).map(TaskState::parse).forEach(tasks::addAll);
        return tasks;
    }

    /**
     * The cluster's {@code MaxArraySize} ({@code scontrol show config}): a job array's task ids must
     * stay below it. Slurm's default, 1001, when the setting cannot be read.
     */
    public int maxArraySize() {
        Result r = exec(List.of(scontrol, "show", "config"), "read the cluster's configuration");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^MaxArraySize\\s*=\\s*(\\d+)").matcher(r.out());
        return r.code() == 0 && m.find() ? Integer.parseInt(m.group(1)) : DEFAULT_MAX_ARRAY_SIZE;
    }

    private Result exec(List<String> command, String what) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new VaelabException("cannot " + what + ": " + command.get(0) + " is not available ("
                    + e.getMessage() + "); run the sweep on a Slurm login node, or put Slurm's client commands on the PATH");
        }
        try {
            process.getOutputStream().close();
            var out = process.getInputStream().readAllBytes();
            var err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new VaelabException(command.get(0) + " did not answer within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VaelabException("cannot " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaelabException("interrupted while waiting for " + command.get(0), e);
        }
    }

    private static String quote(String message) {
        return "\"" + message.strip().replace("\n", " | ") + "\"";
    }

    private record Result(int code, String out, String err) {
    }
}
