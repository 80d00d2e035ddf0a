package io.queen.cli;

/**
 * The exit codes scripts can rely on, and the failure that carries one.
 * <ul>
 *   <li>0: done;</li>
 *   <li>1: usage error (unknown command or option, bad value, missing argument, bad config);</li>
 *   <li>2: the server refused the request (4xx other than 401/403: bad request, not found,
 *       conflict), or what was asked for does not exist;</li>
 *   <li>3: the server could not be reached, timed out or failed (5xx);</li>
 *   <li>4: authentication or permission refused (401, 403).</li>
 * </ul>
 */
public final class Exit extends RuntimeException {
    public static final int OK = 0;
    public static final int USAGE = 1;
    public static final int REFUSED = 2;
    public static final int UNAVAILABLE = 3;
    public static final int AUTH = 4;

    /** The text of the help's "Exit codes" section. */
    public static final String[] HELP = {
        "0:Done.",
        "1:Usage error: unknown command or option, bad value, unreadable config.",
        "2:The server refused the request (400, 404, 409, ...) or the thing asked for does not exist.",
        "3:Server unreachable, timed out or failing (5xx).",
        "4:Authentication or permission refused (401, 403).",
    };

    private final int code;

    public Exit(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code for an HTTP status (0: no answer at all). */
    public static int forStatus(int status) {
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status >= 400 && status < 500) {
            return REFUSED;
        }
        return UNAVAILABLE;
    }
}
