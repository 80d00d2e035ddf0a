/**
 * The Java client of a Queen server.
 *
 * <p>Start at {@link io.queen.client.Queen}: {@code Queen.connect(url)} or {@code Queen.builder()}.
 * {@link io.queen.client.Queen#queue(String)} gives a {@link io.queen.client.QueueRef} to push to,
 * pop from ({@link io.queen.client.Message}) or consume ({@link io.queen.client.Consumer});
 * {@link io.queen.client.Queen#transaction()} combines acks and pushes atomically;
 * {@link io.queen.client.QueueRef#buffer(int, java.time.Duration)} batches pushes client-side;
 * {@link io.queen.client.Queen#admin()} reaches the administration endpoints. Failures are
 * {@link io.queen.client.QueenException}s carrying the HTTP status (0 when no answer came).
 */
package io.queen.client;
