package io.queen.client;

/** Handles one message for a {@link Consumer}; throwing marks the message failed. */
@FunctionalInterface
public interface MessageHandler {
    /** Processes {@code message}; return normally to acknowledge it. */
    void handle(Message message) throws Exception;
}
