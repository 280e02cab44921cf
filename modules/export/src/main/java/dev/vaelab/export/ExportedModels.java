package dev.vaelab.export;

/** The serialized encoder and decoder of one export, each already validated. */
public record ExportedModels(byte[] encoder, byte[] decoder) {
    /** The bytes of the file of {@code role}. */
    public byte[] of(Role role) {
        return role == Role.ENCODER ? encoder : decoder;
    }
}
