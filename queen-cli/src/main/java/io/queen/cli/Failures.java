package io.queen.cli;

import io.queen.client.QueenException;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

/** Maps what went wrong in a command to its exit code and a one-line message. */
final class Failures {
    private Failures() {
    }

    static int code(Throwable problem) {
        if (problem instanceof Exit exit) {
            return exit.code();
        }
        if (problem instanceof QueenException queen) {
            return Exit.forStatus(queen.status());
        }
        if (problem instanceof IllegalArgumentException) {
            return Exit.USAGE;
        }
        if (problem instanceof ConnectException || problem instanceof HttpTimeoutException
                || problem instanceof UncheckedIOException || problem instanceof java.io.IOException) {
            return Exit.UNAVAILABLE;
        }
        return Exit.UNAVAILABLE;
    }

    static String message(Throwable problem) {
        if (problem instanceof QueenException queen) {
            String text = queen.getMessage() == null ? "request failed" : queen.getMessage();
            return queen.status() == 0 ? "server unreachable: " + text : "server answered " + queen.status() + ": " + text;
        }
        String message = problem.getMessage();
        return message == null ? problem.getClass().getSimpleName() : message;
    }
}
