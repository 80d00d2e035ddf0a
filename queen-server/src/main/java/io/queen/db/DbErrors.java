package io.queen.db;

import io.vertx.pgclient.PgException;

/** Tells "the database cannot be reached" apart from "this statement failed". */
public final class DbErrors {
    private DbErrors() {
    }

    /**
     * The statement gave up on contention: a lock wait past DB_LOCK_TIMEOUT, a statement past
     * DB_STATEMENT_TIMEOUT, a deadlock or serialization failure. Worth retrying.
     */
    public static boolean isBusy(Throwable error) {
        if (error instanceof PgException) {
            String state = ((PgException) error).getSqlState();
            return "55P03".equals(state) || "57014".equals(state) || "40P01".equals(state) || "40001".equals(state);
        }
        return false;
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

    /**
     * For input PostgreSQL rejected (data exceptions, class 22, and values too large for an
     * index, 54000), a message for the client that says what is wrong without PostgreSQL's own
     * text; null for any other failure.
     */
    public static String invalidInputMessage(Throwable error) {
        if (!(error instanceof PgException)) {
            return null;
        }
        String state = String.valueOf(((PgException) error).getSqlState());
        switch (state) {
            case "54000":
                return "Invalid input: a value is too large to be stored";
            case "22P05":
            case "22021":
                return "Invalid input: text contains a character that cannot be stored (such as \\u0000)";
            case "22P02":
                return "Invalid input: a value is not in the expected format";
            case "22001":
                return "Invalid input: a value is too long";
            case "22003":
                return "Invalid input: a number is out of range";
            case "22007":
            case "22008":
                return "Invalid input: a date or time is not valid";
            default:
                return state.startsWith("22") ? "Invalid input: a value could not be stored" : null;
        }
    }
}
