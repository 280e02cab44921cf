package dev.vaelab.onnx.runtime;

/**
 * How ONNX Runtime's intra-op threads wait between a call's parallel sections: asleep, woken by the
 * thread that has work for them, or spinning on their core. A wake-up costs about 20 µs on the
 * 2-vCPU KVM machine of bench/README.md (and the waker 6-9 µs of its own), paid at every parallel
 * section; spinning saves it and holds a core that a competing process may need.
 */
public enum ThreadWait {
    SLEEP,
    SPIN;

    ThreadWait other() {
        return this == SLEEP ? SPIN : SLEEP;
    }
}
