package io.queen.db;

import io.vertx.pgclient.PgException;

/** Tells "the database cannot be reached" apart from "this statement failed". */
public final class DbErrors {
    private DbErrors() {
    }

    /** Connection refused/reset/timed out, pool exhausted, or the server shutting down. */
    public static boolean isUnavailable(Throwable error) {
        if (error instanceof PgException) {
            String state = ((PgException) error).getSqlState();
            return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            String name = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage()).toLowerCase();
            if (name.contains("Connect") || name.contains("Closed") || name.contains("Timeout")
                    || message.contains("connection") || message.contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    /** Invalid input that PostgreSQL rejected (data exception class 22), e.g. a \u0000 in JSON. */
    public static boolean isInvalidInput(Throwable error) {
        return error instanceof PgException && String.valueOf(((PgException) error).getSqlState()).startsWith("22");
    }
}
