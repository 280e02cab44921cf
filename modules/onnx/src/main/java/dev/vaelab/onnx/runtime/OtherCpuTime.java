package dev.vaelab.onnx.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time the rest of the machine has taken: every core's user, nice and system time and the time
 * the hypervisor gave to other guests (steal), less this process's own user and system time, from
 * Linux's {@code /proc/stat} and {@code /proc/self/stat}, in clock ticks of 10 ms. Over a call it says
 * whether other work competed for the cores, which is when spinning threads cost more than they save.
 * (This process's own threads waiting for a core are no sign of it: a sleeping thread waits so each
 * time it is woken.)
 */
public final class OtherCpuTime {
    /** Linux reports both files in USER_HZ ticks, 100 a second on every architecture it runs vaelab on. */
    static final double TICKS_PER_SECOND = 100;
    private final Path machine;
    private final Path process;

    OtherCpuTime(Path machine, Path process) {
        this.machine = machine;
        this.process = process;
    }

    /** This machine's, where the system reports it (Linux). */
    public static Optional<OtherCpuTime> ofThisMachine() {
        OtherCpuTime time = new OtherCpuTime(Path.of("/proc/stat"), Path.of("/proc/self/stat"));
        return time.ticks() >= 0 ? Optional.of(time) : Optional.empty();
    }

    /** Ticks the rest of the machine has used so far, or -1 where the files cannot be read or are not in their form. */
    public long ticks() {
        try {
            String cpus = Files.readString(machine);
            String[] all = cpus.substring(0, cpus.indexOf('\n')).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            if (all.length < 9 || !all[0].equals("cpu")) {
                return -1;
            }
            long used = Long.parseLong(all[1]) + Long.parseLong(all[2]) + Long.parseLong(all[3]) + Long.parseLong(all[8]);
            String self = Files.readString(process);
            // after "pid (comm) ", whose name may hold spaces: state is field 3, utime 14, stime 15
            String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split(" ");
            long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return used - own;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
