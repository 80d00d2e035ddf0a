package io.queen.cli;

/** Entry point of the {@code queen} command line (commands come with issue 12). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("queen: the command line is being built (issue 12)");
    }
}
