package dev.vaelab.export;

/** Which half of the model a file holds: its file name, graph name and metadata value. */
public enum Role {
    /** {@code x} (and {@code y}) to the posterior's {@code mu} and {@code logvar}. */
    ENCODER("encoder"),
    /** {@code z} (and {@code y}) to the likelihood's {@code mean} and parameters. */
    DECODER("decoder");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The value of {@code vaelab.role}. */
    public String wireName() {
        return wireName;
    }

    /** {@code encoder.onnx} or {@code decoder.onnx}. */
    public String fileName() {
        return wireName + ".onnx";
    }

    /** The ONNX graph name. */
    public String graphName() {
        return "vaelab_" + wireName;
    }
}
