package dev.vaelab.tracking.mlflow;

import java.util.Optional;

/**
 * A request to an MLflow server that did not succeed, classified by what a retry may do.
 */
public final class MlflowFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the failure says about the request and about retrying it. */
    public enum Kind {
        /** A 4xx answer other than 429: the server understood and refused; the same request will fail again. */
        REJECTED,
        /** The request surely had no effect (connection refused, unknown host, 429): send it again. */
        NOT_APPLIED,
        /**
         * The request may have had some or all of its effect (a 5xx answer, a timeout or a dropped
         * connection after it was sent): look before sending it again, unless it is idempotent.
         */
        UNCERTAIN
    }

    private final Kind kind;
    private final int status;
    private final String errorCode;

    public MlflowFailure(Kind kind, int status, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** MLflow's {@code error_code}, such as {@code INVALID_PARAMETER_VALUE}, when the server sent one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public boolean rejected() {
        return kind == Kind.REJECTED;
    }

    /** Whether no server took the connection: refused, or an unknown host. */
    public boolean unreachable() {
        return getCause() instanceof java.net.ConnectException || getCause() instanceof java.net.UnknownHostException;
    }

    /** Whether the server answered with this status and error code. */
    public boolean is(int expectedStatus, String expectedCode) {
        return status == expectedStatus && expectedCode.equals(errorCode);
    }
}
