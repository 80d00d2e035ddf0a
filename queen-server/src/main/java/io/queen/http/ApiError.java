package io.queen.http;

/** A request the server refuses: carries the HTTP status and the message for the body. */
public final class ApiError extends RuntimeException {
    public final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }
}
