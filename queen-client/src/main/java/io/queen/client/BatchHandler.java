package io.queen.client;

import java.util.List;

/** Handles a whole popped batch for a {@link Consumer}; throwing marks every message of it failed. */
@FunctionalInterface
public interface BatchHandler {
    /** Processes {@code messages}; return normally to acknowledge them all. */
    void handle(List<Message> messages) throws Exception;
}
