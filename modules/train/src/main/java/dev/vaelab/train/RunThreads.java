package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;

/**
 * The ONNX Runtime threads of a run: {@code --threads}, else {@code train.threads}, else every core.
 * More threads than cores is an error rather than a clamp: ONNX Runtime spins its threads, so 1000
 * of them on 2 cores turn a seconds-long run into minutes of load, and a silent clamp would hide a
 * setting meant for another machine.
 */
public final class RunThreads {
    private RunThreads() {
    }

    /** The threads to use; {@code fromCommandLine} is 0 when {@code --threads} was not given. */
    /** As {@link #resolve(int, TrainSpec, ConfigMap, int)}, for an experiment whose train section is still raw. */
    public static int resolve(int fromCommandLine, ExperimentSpec spec, int cores) {
        return resolve(fromCommandLine, TrainSpec.parse(spec.train()), spec.root(), cores);
    }

    public static int resolve(int fromCommandLine, TrainSpec train, ConfigMap root, int cores) {
        if (fromCommandLine < 0) {
            throw new VaelabException("--threads " + fromCommandLine + " is not a number of threads; give 1 to " + cores
                    + " (the cores of this machine), or leave it out for all " + cores);
        }
        if (fromCommandLine > 0) {
            if (fromCommandLine > cores) {
                throw new VaelabException("--threads " + fromCommandLine + " is more than the " + cores + " cores of this "
                        + "machine; give 1 to " + cores + " (more threads than cores only slow a run down)");
            }
            return fromCommandLine;
        }
        int fromYaml = train.threads();
        if (fromYaml > cores) {
            ConfigMap section = root.optionalMap("train").orElse(root);
            throw section.invalid("threads", "is " + fromYaml + ", more than the " + cores + " cores of this machine; give 1 to "
                    + cores + ", 0 or nothing for all of them, or --threads N on the command line");
        }
        return fromYaml > 0 ? fromYaml : cores;
    }
}
