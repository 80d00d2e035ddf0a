package io.queen.longpoll;

import io.queen.queue.PopOutcome;

/**
 * Where a pop's result goes. The HTTP layer implements it (rendering and counting answers),
 * so that this package decides when to answer without knowing how an answer looks.
 * Exactly one of {@link #messages}, {@link #empty} and {@link #failed} is called per pop.
 */
public interface PopAnswer {
    /** The pop leased (or, with auto-ack, consumed) these messages. */
    void messages(PopOutcome outcome);

    /** Nothing to deliver: no wait asked, the deadline passed, pops were paused, or shutdown. */
    void empty();

    void failed(Throwable cause);

    /** True once the client has gone: messages popped for it must be given back, not sent. */
    boolean clientGone();

    /** Runs {@code then} when the client goes away before its answer. */
    void whenClientGone(Runnable then);
}
