package dev.vaelab.onnx.graph;

/** Element types the engine uses, with their ONNX {@code TensorProto.DataType} codes. */
public enum DType {
    FLOAT(1),
    /** Pixel bytes fed to training graphs, cast to the float type inside the graph. */
    UINT8(2),
    INT64(7),
    BOOL(9),
    DOUBLE(11);

    private final int onnxCode;

    DType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    public int onnxCode() {
        return onnxCode;
    }

    public boolean isFloating() {
        return this == FLOAT || this == DOUBLE;
    }
}
