package io.queen.soak;

/** One injected fault: when it ran, when the system was healthy again, and what was seen. */
final class FaultRecord {
    final String name;
    final String target;
    final long startedMs;
    long endedMs = -1;
    long recoveredMs = -1;
    String note = "";
    String skippedBecause;
    /** Set when the fault showed a server bug or the system did not come back. */
    String problem;

    FaultRecord(String name, String target, long startedMs) {
        this.name = name;
        this.target = target;
        this.startedMs = startedMs;
    }

    boolean injected() {
        return skippedBecause == null;
    }

    void note(String more) {
        note = note.isEmpty() ? more : note + "; " + more;
    }
}
