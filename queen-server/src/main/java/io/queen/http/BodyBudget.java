package io.queen.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory request bodies may take at once, shared by the process's workers (one atomic
 * counter, no lock). A request declares its size in Content-Length and is refused before a
 * byte of its body is read when it can never fit (413) or does not fit now (503 with
 * Retry-After); a chunked body, whose size is unknown, is counted at the largest size allowed.
 * The reservation ends with the request.
 */
public final class BodyBudget {
    private final AtomicLong free;
    private final long maxBody;

    public BodyBudget(long totalBytes, long maxBodyBytes) {
        this.free = new AtomicLong(totalBytes);
        this.maxBody = maxBodyBytes;
    }

    long free() {
        return free.get();
    }

    private boolean reserve(long bytes) {
        long now;
        do {
            now = free.get();
            if (now < bytes) {
                return false;
            }
        } while (!free.compareAndSet(now, now - bytes));
        return true;
    }

    /** The router handler, placed before the body handler. */
    Handler<RoutingContext> handler() {
        return ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long bytes;
            if (length != null) {
                try {
                    bytes = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    Responses.error(ctx, 400, "Content-Length is not a number");
                    return;
                }
                if (bytes > maxBody) {
                    // the body is not read: the connection cannot be reused
                    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                    Responses.error(ctx, 413, "Request body of " + bytes + " bytes is larger than the limit of "
                            + maxBody + " bytes (QUEEN_MAX_BODY_BYTES)");
                    return;
                }
            } else {
                bytes = ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING) ? maxBody : 0;
            }
            if (bytes == 0) {
                ctx.next();
                return;
            }
            if (!reserve(bytes)) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                Responses.retryShortly(ctx, "The server is receiving other large request bodies; retry shortly");
                return;
            }
            ctx.addEndHandler(ar -> free.addAndGet(bytes));
            ctx.next();
        };
    }
}
