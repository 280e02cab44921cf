package dev.vaelab.train;

import java.lang.management.ManagementFactory;

/** The machine's memory as this JVM sees it (a container's limit where there is one). */
public final class MachineMemory {
    private MachineMemory() {
    }

    /** Physical memory less the Java heap's maximum: what native allocations can have; 0 when unknown. */
    public static long outsideHeap() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getTotalMemorySize() - Runtime.getRuntime().maxMemory());
        }
        return 0;
    }
}
