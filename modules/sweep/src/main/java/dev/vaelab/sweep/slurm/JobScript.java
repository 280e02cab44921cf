package dev.vaelab.sweep.slurm;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders the {@code sbatch} script of a sweep's job array: one task per run, each running the
 * sweep's per-run entry point ({@code vaelab sweep-run}) on its resolved config with absolute paths,
 * its output appended to the run's log. The JVM is {@code exec}'d, so Slurm's SIGTERM (scancel,
 * time limit, preemption) reaches it and the run records itself killed, resumable.
 */
final class JobScript {
    /** The line that opens each attempt in a run's log ({@code LogTail}'s header). */
    static final String LOG_HEADER = "=== ";

    private JobScript() {
    }

    /**
     * The script.
     *
     * @param jobName the job's name
     * @param submissionDir where Slurm writes each task's own output
     * @param slurm the resources asked for
     * @param runs the run of each array task
     * @param after a job this array waits for (to keep one %K over several arrays), if any
     * @param javaCommand the JVM and its arguments up to and including the main class
     * @param perRun the arguments after {@code sweep-run} that every run shares; {@code $config},
     *     {@code $run} stand for the task's config and run name
     * @param configsDir the folder of the runs' configs
     * @param logsDir the folder of the runs' logs
     */
    static String render(String jobName, java.nio.file.Path submissionDir, SlurmOptions slurm, List<String> runs,
                         java.util.Optional<String> after, List<String> javaCommand, List<String> perRun, java.nio.file.Path configsDir,
                         java.nio.file.Path logsDir) {
        return render(jobName, submissionDir, slurm, runs, java.util.Map.of(), after, javaCommand, perRun, configsDir,
                logsDir);
    }

    /**
     * As the other {@code render}, and each task whose run has an entry in {@code swept} (its swept
     * values, {@code beta.end=4 seed=1}) passes it as the tag {@code vaelab.swept}: its name in MLflow.
     */
    static String render(String jobName, java.nio.file.Path submissionDir, SlurmOptions slurm, List<String> runs,
                         java.util.Map<String, String> swept, java.util.Optional<String> after, List<String> javaCommand,
                         List<String> perRun, java.nio.file.Path configsDir, java.nio.file.Path logsDir) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        List<String> options = new ArrayList<>();
        options.add("--job-name=" + jobName);
        options.add("--array=0-" + (runs.size() - 1) + (slurm.arrayParallelism() > 0 ? "%" + slurm.arrayParallelism() : ""));
        options.add("--output=" + submissionDir.toAbsolutePath().resolve("task-%a.out"));
        options.add("--open-mode=append");
        after.ifPresent(job -> options.add("--dependency=afterany:" + job));
        options.addAll(slurm.sbatchOptions());
        directives(s, options);
        s.append("# written by vaelab sweep --launcher slurm: task i runs line i+1 of runs.txt beside this script\n");
        s.append("set -u\n");
        s.append("case \"$SLURM_ARRAY_TASK_ID\" in\n");
        for (int i = 0; i < runs.size(); i++) {
            s.append("  ").append(i).append(") run=").append(quote(runs.get(i)));
            if (!swept.isEmpty()) {
                s.append("; swept=").append(quote(swept.getOrDefault(runs.get(i), "")));
            }
            s.append(" ;;\n");
        }
        s.append("  *) echo \"vaelab: no run for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n");
        s.append("config=").append(quote(configsDir.toAbsolutePath().toString())).append("/\"$run\".yaml\n");
        s.append("log=").append(quote(logsDir.toAbsolutePath().toString())).append("/\"$run\".log\n");
        s.append("mkdir -p \"$(dirname \"$log\")\"\n");
        s.append("echo \"").append(LOG_HEADER)
                .append("$(date -u +%Y-%m-%dT%H:%M:%SZ) slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)\""
                        + " >> \"$log\"\n");
        exec(s, javaCommand, "sweep-run");
        s.append(" \"$config\"");
        for (String arg : perRun) {
            s.append(' ').append(arg.equals("$run") ? "\"$run\"" : quote(arg));
        }
        if (!swept.isEmpty()) {
            s.append(" ${swept:+--tag \"vaelab.swept=$swept\"}");
        }
        s.append(" >> \"$log\" 2>&1\n");
        return s.toString();
    }

    /**
     * The script of the sweep's final job, which waits for its job arrays and then runs
     * {@code vaelab sweep-end} on the sweep: the summary, and the parent run ended.
     *
     * @param jobName the job's name
     * @param submissionDir where Slurm writes the job's output ({@code end.out})
     * @param slurm the resources asked for (one CPU)
     * @param after the job arrays it waits for
     * @param javaCommand the JVM and its arguments up to and including the main class
     * @param arguments the arguments after {@code sweep-end}
     */
    static String renderEnd(String jobName, java.nio.file.Path submissionDir, SlurmOptions slurm, List<String> after,
                            List<String> javaCommand, List<String> arguments) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        List<String> options = new ArrayList<>();
        options.add("--job-name=" + jobName);
        options.add("--output=" + submissionDir.toAbsolutePath().resolve("end.out"));
        options.add("--open-mode=append");
        options.add("--dependency=afterany:" + String.join(":", after));
        options.addAll(slurm.sbatchOptions());
        directives(s, options);
        s.append("# written by vaelab sweep --launcher slurm: once the sweep's job arrays end, summarise it and end its "
                + "parent run\n");
        exec(s, javaCommand, "sweep-end");
        for (String arg : arguments) {
            s.append(' ').append(quote(arg));
        }
        return s.append('\n').toString();
    }

    /** {@code exec <java command> <vaelab command>}: the JVM replaces the shell, so Slurm's signals reach it. */
    private static void exec(StringBuilder script, List<String> javaCommand, String vaelabCommand) {
        script.append("exec");
        for (String arg : javaCommand) {
            script.append(' ').append(quote(arg));
        }
        script.append(' ').append(vaelabCommand);
    }

    private static void directives(StringBuilder script, List<String> options) {
        for (String option : options) {
            script.append("#SBATCH ").append(option).append('\n');
        }
    }

    /** {@code arg} in single quotes for bash. */
    static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
