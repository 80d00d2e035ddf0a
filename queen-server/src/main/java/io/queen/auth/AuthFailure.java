package io.queen.auth;

/** A request that cannot go on: answered with this status and {"error": message}. */
final class AuthFailure extends RuntimeException {
    final int status;

    AuthFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static AuthFailure unauthorized(String message) {
        return new AuthFailure(401, message);
    }
}
