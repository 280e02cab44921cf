package dev.vaelab.onnx.graph;

/** Element types the engine uses, with their ONNX {@code TensorProto.DataType} codes. */
public enum DType {
    FLOAT(1),
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
