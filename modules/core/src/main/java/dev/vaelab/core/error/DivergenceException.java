package dev.vaelab.core.error;

/** Training produced a NaN or infinite loss; the run stops and keeps what it logged so far. */
public class DivergenceException extends VaelabException {
    private static final long serialVersionUID = 1L;
    private final long step;

    public DivergenceException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The global step at which the non-finite value was seen. */
    public long step() {
        return step;
    }
}
