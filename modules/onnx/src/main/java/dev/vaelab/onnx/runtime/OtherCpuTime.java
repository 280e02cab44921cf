package dev.vaelab.onnx.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;

/**
 * CPU time the rest of the machine has taken on the cores this process may run on: those cores' user,
 * nice and system time and the time the hypervisor gave to other guests (steal), less this process's
 * own user and system time, from Linux's {@code /proc/stat}, {@code /proc/self/status} (the allowed
 * cores, so that a Slurm job or container counts only its own) and {@code /proc/self/stat}, in clock
 * ticks of 10 ms. Over a call it says whether other work competed for the cores, which is when
 * spinning threads cost more than they save.
 */
public final class OtherCpuTime {
    /** Linux reports these files in USER_HZ ticks, 100 a second on every architecture it runs vaelab on. */
    static final double TICKS_PER_SECOND = 100;
    private final Path machine;
    private final Path process;
    /** The cores this process may run on, or null to count the machine's all-cores line. */
    private final BitSet cores;

    OtherCpuTime(Path machine, Path process, BitSet cores) {
        this.machine = machine;
        this.process = process;
        this.cores = cores;
    }

    /** This machine's, on this process's allowed cores, where the system reports it (Linux). */
    public static Optional<OtherCpuTime> ofThisMachine() {
        OtherCpuTime time = new OtherCpuTime(Path.of("/proc/stat"), Path.of("/proc/self/stat"),
                allowedCores(Path.of("/proc/self/status")));
        return time.ticks() >= 0 ? Optional.of(time) : Optional.empty();
    }

    /** The cores a {@code /proc/<pid>/status} file allows ("Cpus_allowed_list: 0-3,8"), or null where it does not say. */
    static BitSet allowedCores(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    BitSet cores = new BitSet();
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.split("-");
                        int first = Integer.parseInt(ends[0].trim());
                        int last = Integer.parseInt(ends[ends.length - 1].trim());
                        cores.set(first, last + 1);
                    }
                    return cores.isEmpty() ? null : cores;
                }
            }
        } catch (IOException | RuntimeException e) {
            // counted over all cores
        }
        return null;
    }

    /** Ticks the rest of the machine has used so far, or -1 where the files cannot be read or are not in their form. */
    public long ticks() {
        try {
            long used = 0;
            boolean any = false;
            for (String line : Files.readAllLines(machine)) {
                // cpu[N] user nice system idle iowait irq softirq steal ...; the other lines (intr: a number per
                // interrupt, thousands on a large node) are not split
                if (!line.startsWith("cpu")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length < 9) {
                    continue;
                }
                boolean all = f[0].equals("cpu");
                if (cores == null ? all : !all && cores.get(Integer.parseInt(f[0].substring(3)))) {
                    used += Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[8]);
                    any = true;
                }
            }
            if (!any) {
                return -1;
            }
            String self = Files.readString(process);
            // after "pid (comm) ", whose name may hold spaces: state is field 3, utime 14, stime 15
            String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split(" ");
            return used - Long.parseLong(fields[11]) - Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
