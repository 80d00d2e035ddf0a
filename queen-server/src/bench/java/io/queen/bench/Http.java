package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** Thin wrapper over the Vert.x HTTP client that times each request into a lane. */
final class Http {
    record Reply(int status, Buffer body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final String host;
    private final int port;

    Http(HttpClient client, String host, int port) {
        this.client = client;
        this.host = host;
        this.port = port;
    }

    Future<Reply> get(Meter meter, Meter.Lane lane, String path) {
        return send(meter, lane, HttpMethod.GET, path, null);
    }

    Future<Reply> post(Meter meter, Meter.Lane lane, String path, String json) {
        return send(meter, lane, HttpMethod.POST, path, json);
    }

    /**
     * A non-2xx answer counts as an error here and is still handed to the caller; a transport
     * failure fails the future (the loop counts it). 204 is a 2xx, so empty pops are fine.
     */
    private Future<Reply> send(Meter meter, Meter.Lane lane, HttpMethod method, String path, String json) {
        RequestOptions options = new RequestOptions()
                .setMethod(method).setHost(host).setPort(port).setURI(path)
                // long-polls answer within their own timeout; 60 s means the server is stuck
                .setIdleTimeout(60_000);
        if (json != null) {
            options.putHeader("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        return client.request(options)
                .compose(req -> json == null ? req.send() : req.send(json))
                .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), body)))
                .andThen(ar -> {
                    lane.record(System.nanoTime() - start);
                    if (ar.succeeded() && !ar.result().ok()) {
                        meter.errors.increment();
                    }
                });
    }
}
