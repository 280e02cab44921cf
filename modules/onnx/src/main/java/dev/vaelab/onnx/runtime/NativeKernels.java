package dev.vaelab.onnx.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * vaelab's native kernels for ONNX Runtime ({@code src/main/c/vaelab_kernels.c}, a custom-operator
 * library): built with this module where the build machine has a C compiler (the {@code native-kernels}
 * Maven profile, on when {@code /usr/bin/gcc} exists), shipped in the jar for Linux x86-64, and copied
 * to a temporary file once per process for ORT to load. Where it is missing (another platform, a
 * build without a compiler) the engine runs the operators' ONNX lowerings instead, to the same numbers.
 * The library holds no Java code and no JNI entry points; ORT finds its {@code RegisterCustomOps}.
 */
public final class NativeKernels {
    static final String RESOURCE = "/dev/vaelab/onnx/runtime/native/linux-x86_64/libvaelab_kernels.so";
    private static Optional<Path> library;

    private NativeKernels() {
    }

    /** The library's path on disk, or empty where this platform or this build has none. */
    public static synchronized Optional<Path> library() {
        if (library == null) {
            library = extract();
        }
        return library;
    }

    private static Optional<Path> extract() {
        boolean linuxX64 = System.getProperty("os.name", "").equals("Linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
        if (!linuxX64) {
            return Optional.empty();
        }
        try (InputStream in = NativeKernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Optional.empty();
            }
            Path file = Files.createTempFile("vaelab_kernels", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            // ORT's Java binding unloads a custom-op library when the session options that registered it are
            // closed, which OrtEngine does as soon as the session exists; loaded once here as well, the library
            // stays mapped for the process and the sessions' kernels with it
            System.load(file.toString());
            return Optional.of(file);
        } catch (IOException | UnsatisfiedLinkError e) {
            // a temporary folder that is full or mounted noexec: the run goes on, slower, and says so once
            System.err.println("warning: vaelab's native kernels could not be loaded from " + System.getProperty("java.io.tmpdir")
                    + " (" + e.getMessage() + "); training runs their ONNX lowerings, 1.3-2.5x slower per step."
                    + " Point -Djava.io.tmpdir (in VAELAB_JAVA_OPTS) at a writable folder that allows executables.");
            return Optional.empty();
        }
    }
}
