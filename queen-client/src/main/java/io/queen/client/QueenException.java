package io.queen.client;

/**
 * A call the server refused or could not answer: {@link #status()} is the HTTP status (0 when no
 * answer came), {@link #getMessage()} the server's error text.
 */
public class QueenException extends RuntimeException {
    private final int status;

    public QueenException(int status, String message) {
        super(message);
        this.status = status;
    }

    public QueenException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status of the answer, or 0 when there was none (connection refused, timeout). */
    public int status() {
        return status;
    }
}
