package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The HTTP side of the client: one JDK {@link HttpClient}, the list of server URLs, failover
 * between them, retries with backoff for idempotent calls, and the bearer token.
 */
final class Transport {
    /** Whether a call may be sent again after its outcome became unknown. */
    enum Retry {
        /** Only when the request provably never reached a server (connection refused or not established). */
        UNSENT_ONLY,
        /** Also after a lost answer, a timeout or a 5xx: the call is idempotent. */
        IDEMPOTENT
    }

    record Response(int status, byte[] body, URI server) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Which URL a caller sticks to; a consumer has its own, everything else shares the client's. */
    static final class Affinity {
        final AtomicInteger index;

        Affinity(int start) {
            index = new AtomicInteger(start);
        }
    }

    final ObjectMapper mapper;
    final ScheduledExecutorService scheduler;
    final Affinity shared = new Affinity(0);
    private final List<URI> urls;
    private final HttpClient client;
    private final ExecutorService executor;
    private final Supplier<String> token;
    private final Duration requestTimeout;
    private final int attempts;
    private final Duration backoff;

    Transport(List<URI> urls, Supplier<String> token, Duration connectTimeout, Duration requestTimeout,
              int retries, Duration backoff, ObjectMapper mapper, ExecutorService executor,
              ScheduledExecutorService scheduler) {
        this.urls = List.copyOf(urls);
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.attempts = Math.max(retries + 1, this.urls.size());
        this.backoff = backoff;
        this.mapper = mapper;
        this.executor = executor;
        this.scheduler = scheduler;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    List<URI> urls() {
        return urls;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** The URL calls currently go to. */
    URI current() {
        return urls.get(Math.floorMod(shared.index.get(), urls.size()));
    }

    Affinity newAffinity() {
        return new Affinity(shared.index.get());
    }

    /** Builds {@code path?k=v&...}, leaving out null values and encoding the rest. */
    static String query(String path, Map<String, ?> params) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((k, v) -> {
            if (v != null) {
                q.add(enc(k) + "=" + enc(String.valueOf(v)));
            }
        });
        return q.length() == 0 ? path : path + "?" + q;
    }

    /** Percent-encodes a path segment or query value. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    CompletableFuture<Response> send(Affinity affinity, String method, String path, byte[] body,
                                     Duration timeout, Retry retry) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
        result.whenComplete((r, t) -> {
            CompletableFuture<?> inner = current.get();
            if (result.isCancelled() && inner != null) {
                inner.cancel(true); // aborts the exchange (a parked long-poll is dropped on the server)
            }
        });
        attempt(affinity, method, path, body, timeout == null ? requestTimeout : timeout, retry, 0, null,
                result, current);
        return result;
    }

    private void attempt(Affinity affinity, String method, String path, byte[] body, Duration timeout,
                         Retry retry, int attempt, Throwable previous, CompletableFuture<Response> result,
                         AtomicReference<CompletableFuture<?>> current) {
        if (result.isDone()) {
            return;
        }
        if (attempt >= attempts) {
            result.completeExceptionally(previous instanceof QueenException ? previous
                    : new QueenException("No Queen server answered " + method + " " + path + " after "
                    + attempts + " attempts: " + describe(previous), previous));
            return;
        }
        try {
            send(affinity, method, path, body, timeout, retry, attempt, result, current);
        } catch (RuntimeException e) { // a token supplier or URL that throws fails the call instead of hanging it
            result.completeExceptionally(e);
        }
    }

    private void send(Affinity affinity, String method, String path, byte[] body, Duration timeout, Retry retry,
                      int attempt, CompletableFuture<Response> result, AtomicReference<CompletableFuture<?>> current) {
        int index = Math.floorMod(affinity.index.get(), urls.size());
        URI server = urls.get(index);
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json");
        String bearer = token == null ? null : token.get();
        if (bearer != null && !bearer.isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        CompletableFuture<HttpResponse<byte[]>> inner =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        current.set(inner);
        if (result.isCancelled()) {
            inner.cancel(true);
            return;
        }
        inner.whenComplete((response, error) -> {
            Throwable cause = unwrap(error);
            if (cause == null) {
                Response r = new Response(response.statusCode(), response.body(), server);
                if (r.status >= 500 && retry == Retry.IDEMPOTENT && attempt + 1 < attempts) {
                    next(affinity, index, method, path, body, timeout, retry, attempt,
                            new QueenException(r.status, errorText(r)), result, current);
                } else {
                    affinity.index.set(index); // stick to the server that answered
                    shared.index.set(index);
                    result.complete(r);
                }
            } else if (cause instanceof CancellationException) {
                result.cancel(false);
            } else if (unsent(cause) || (retry == Retry.IDEMPOTENT && cause instanceof IOException)) {
                next(affinity, index, method, path, body, timeout, retry, attempt, cause, result, current);
            } else {
                result.completeExceptionally(new QueenException(method + " " + path + " on " + server
                        + " failed and is not retried (its outcome is unknown): " + describe(cause), cause));
            }
        });
    }

    private void next(Affinity affinity, int failedIndex, String method, String path, byte[] body, Duration timeout,
                      Retry retry, int attempt, Throwable cause, CompletableFuture<Response> result,
                      AtomicReference<CompletableFuture<?>> current) {
        affinity.index.compareAndSet(failedIndex, failedIndex + 1); // fail over to the next URL
        // the first round over the other URLs goes at once; after that, exponential backoff
        long delay = attempt + 1 < urls.size() ? 0
                : Math.min(5_000, backoff.toMillis() << Math.min(10, attempt + 1 - urls.size()));
        Runnable again = () -> attempt(affinity, method, path, body, timeout, retry, attempt + 1, cause, result, current);
        if (delay == 0) {
            again.run();
        } else {
            try {
                scheduler.schedule(() -> executor.execute(again), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new QueenException("The client is closed", cause));
            }
        }
    }

    private static boolean unsent(Throwable t) {
        return t instanceof ConnectException || t instanceof HttpConnectTimeoutException;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no answer";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** The error text of an answer: its {@code error} field, else its body. */
    String errorText(Response r) {
        try {
            JsonNode node = mapper.readTree(r.body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException ignored) {
            // not JSON: the raw text says it
        }
        String text = new String(r.body, StandardCharsets.UTF_8);
        return text.isEmpty() ? "HTTP " + r.status : text;
    }

    /** Parses a 2xx answer (an empty body is {@code null}); throws {@link QueenException} otherwise. */
    JsonNode json(Response r) {
        if (!r.ok()) {
            throw new QueenException(r.status, errorText(r));
        }
        if (r.body.length == 0) {
            return null;
        }
        try {
            return mapper.readTree(r.body);
        } catch (IOException e) {
            throw new QueenException("Unreadable answer from " + r.server + ": " + e.getMessage(), e);
        }
    }

    byte[] write(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot serialize " + body.getClass().getName() + " to JSON", e);
        }
    }

    CompletableFuture<JsonNode> jsonAsync(String method, String path, Object body, Retry retry) {
        byte[] bytes = body == null ? null : body instanceof byte[] b ? b : write(body);
        return send(shared, method, path, bytes, null, retry).thenApply(this::json);
    }

    JsonNode json(String method, String path, Object body, Retry retry) {
        return await(jsonAsync(method, path, body, retry));
    }

    /** {@code source.thenApply(fn)}, except that cancelling the result also cancels {@code source}. */
    static <T, R> CompletableFuture<R> map(CompletableFuture<T> source, java.util.function.Function<T, R> fn) {
        CompletableFuture<R> out = source.thenApply(fn);
        out.whenComplete((r, e) -> {
            if (out.isCancelled()) {
                source.cancel(true);
            }
        });
        return out;
    }

    /** Waits for a future the blocking way (parks a virtual thread), unwrapping its failure. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new QueenException("Interrupted while waiting for the Queen server", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new QueenException(cause.getMessage(), cause);
        }
    }

    /**
     * From Java 21 the JDK's HTTP client can be closed (it is AutoCloseable there), which ends its
     * selector thread at once; on 17 that thread ends when the client is collected.
     */
    void closeHttp() {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort: every call of ours is already answered or failed
            }
        }
    }
}
