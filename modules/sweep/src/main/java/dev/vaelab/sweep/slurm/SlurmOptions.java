package dev.vaelab.sweep.slurm;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.LauncherSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a sweep's job array asks Slurm for resources, from {@code sweep.slurm} in the YAML with the
 * command line's options over it:
 *
 * <pre>{@code
 * sweep:
 *   launcher: slurm
 *   slurm:
 *     partition: gpu            # --partition (default: the cluster's default partition)
 *     time: "02:00:00"          # --time, per run (Slurm's formats: MM, HH:MM:SS, D-HH:MM, ...)
 *     cpus_per_task: 4          # --cpus-per-task, also the run's ONNX Runtime threads (default 1)
 *     mem: 8G                   # --mem (default: the partition's)
 *     array_parallelism: 50     # runs at once (the %K of --array), default: as many as fit
 *     sbatch_args: ["--account=ml"]   # passed to sbatch as they are
 * }</pre>
 *
 * @param partition the partition, if one is chosen
 * @param time the time limit of each run, if one is given
 * @param cpusPerTask CPUs of each run
 * @param mem the memory of each run, if given
 * @param arrayParallelism runs at once, 0 for no limit
 * @param sbatchArgs further {@code sbatch} options
 */
public record SlurmOptions(Optional<String> partition, Optional<String> time, int cpusPerTask, Optional<String> mem,
                           int arrayParallelism, List<String> sbatchArgs) {
    /** The keys of {@code sweep.slurm}. */
    public static final List<String> KEYS = List.of("partition", "time", "cpus_per_task", "mem", "array_parallelism",
            "sbatch_args");
    private static final Pattern TIME = Pattern.compile("\\d+(-\\d+)?(:\\d+){0,2}|UNLIMITED|INFINITE");
    private static final Pattern MEM = Pattern.compile("\\d+[KMGT]?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,-]+");

    public SlurmOptions {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(mem, "mem");
        if (cpusPerTask < 1 || arrayParallelism < 0) {
            throw new IllegalArgumentException("cpusPerTask must be at least 1 and arrayParallelism at least 0");
        }
        sbatchArgs = List.copyOf(sbatchArgs);
    }

    /** Nothing chosen: one CPU per run, the cluster's defaults. */
    public static final SlurmOptions DEFAULT = new SlurmOptions(Optional.empty(), Optional.empty(), 1, Optional.empty(),
            0, List.of());

    /** Reads and validates {@code sweep.slurm}; errors name the file and line. */
    public static SlurmOptions parse(ConfigMap slurm) {
        slurm.allowOnly(KEYS);
        Optional<String> partition = slurm.optionalString("partition");
        partition.ifPresent(p -> check(NAME, p, slurm.locationOf("partition"), "'partition'", "a partition name such as gpu"));
        Optional<String> time = slurm.optionalString("time");
        time.ifPresent(t -> check(TIME, t, slurm.locationOf("time"), "'time'", "a Slurm time such as 02:00:00 or 1-00:00:00"));
        Optional<String> mem = slurm.optionalString("mem");
        mem.ifPresent(m -> check(MEM, m, slurm.locationOf("mem"), "'mem'", "a size such as 8G or 4000M"));
        return new SlurmOptions(partition, time, slurm.positiveInt("cpus_per_task", 1), mem,
                slurm.intAtLeast("array_parallelism", 0, 0), slurm.stringList("sbatch_args", List.of()));
    }

    /** The options of a sweep: its {@code sweep.slurm} section, else the defaults, with the command line's over them. */
    public static SlurmOptions of(LauncherSettings settings) {
        SlurmOptions yaml = settings.section().map(SlurmOptions::parse).orElse(DEFAULT);
        Map<String, List<String>> cli = settings.commandLine();
        for (String key : cli.keySet()) {
            if (!KEYS.contains(key)) {
                throw new VaelabException(LauncherSettings.option(key)
                        + " is not an option of the slurm launcher; its options: " + KEYS.stream()
                        .map(LauncherSettings::option).collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        return yaml.with(last(cli, "partition"), last(cli, "time"), integer(cli, "cpus_per_task"), last(cli, "mem"),
                integer(cli, "array_parallelism"), cli.getOrDefault("sbatch_args", List.of()));
    }

    private static String last(Map<String, List<String>> cli, String key) {
        List<String> values = cli.getOrDefault(key, List.of());
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static Integer integer(Map<String, List<String>> cli, String key) {
        String value = last(cli, key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new VaelabException(LauncherSettings.option(key)
                    + " must be a whole number, got '" + value + "'");
        }
    }

    /** These options with one CPU per task: what the sweep's final job asks for. */
    SlurmOptions oneCpu() {
        return new SlurmOptions(partition, time, 1, mem, arrayParallelism, sbatchArgs);
    }

    /**
     * These options with the command line's over them; each given value is validated, its error
     * naming the option.
     */
    public SlurmOptions with(String partition, String time, Integer cpusPerTask, String mem, Integer arrayParallelism,
                             List<String> sbatchArgs) {
        try {
            return withChecked(partition, time, cpusPerTask, mem, arrayParallelism, sbatchArgs);
        } catch (ConfigException e) {
            throw new VaelabException(e.detail(), e);
        }
    }

    private SlurmOptions withChecked(String partition, String time, Integer cpusPerTask, String mem,
                                     Integer arrayParallelism, List<String> sbatchArgs) {
        SourceLocation cli = new SourceLocation("command line", 1, 1);
        if (partition != null) {
            check(NAME, partition, cli, "--partition", "a partition name such as gpu");
        }
        if (time != null) {
            check(TIME, time, cli, "--time", "a Slurm time such as 02:00:00 or 1-00:00:00");
        }
        if (mem != null) {
            check(MEM, mem, cli, "--mem", "a size such as 8G or 4000M");
        }
        if (cpusPerTask != null && cpusPerTask < 1) {
            throw new ConfigException(cli, "--cpus-per-task must be at least 1, got " + cpusPerTask);
        }
        if (arrayParallelism != null && arrayParallelism < 1) {
            throw new ConfigException(cli, "--array-parallelism must be at least 1, got " + arrayParallelism);
        }
        List<String> args = new ArrayList<>(this.sbatchArgs);
        args.addAll(sbatchArgs);
        return new SlurmOptions(partition != null ? Optional.of(partition) : this.partition,
                time != null ? Optional.of(time) : this.time, cpusPerTask != null ? cpusPerTask : this.cpusPerTask,
                mem != null ? Optional.of(mem) : this.mem,
                arrayParallelism != null ? arrayParallelism : this.arrayParallelism, args);
    }

    /** The {@code #SBATCH} options these stand for, array excluded. */
    List<String> sbatchOptions() {
        List<String> options = new ArrayList<>();
        partition.ifPresent(p -> options.add("--partition=" + p));
        time.ifPresent(t -> options.add("--time=" + t));
        options.add("--cpus-per-task=" + cpusPerTask);
        mem.ifPresent(m -> options.add("--mem=" + m));
        options.addAll(sbatchArgs);
        return options;
    }

    private static void check(Pattern pattern, String value, SourceLocation at, String what, String expected) {
        if (!pattern.matcher(value).matches()) {
            throw new ConfigException(at, what + " must be " + expected + ", got '" + value + "'");
        }
    }
}
