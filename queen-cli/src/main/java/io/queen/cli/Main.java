package io.queen.cli;

import picocli.CommandLine;

/** Entry point of the {@code queen} command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(Io.system(), args);
        System.out.flush();
        stopHttpSelectors();
        System.exit(code);
    }

    /**
     * The JVM's exit waits up to 300 ms for threads that sit in native code, and the JDK HTTP
     * client's selector thread sits in epoll until its client is collected (JDK 17 has no
     * HttpClient.close()). Interrupting it ends its loop, so a command exits when it is done.
     */
    private static void stopHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("SelectorManager")) {
                thread.interrupt();
                try {
                    thread.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs one command line against {@code io}; returns the exit code (see {@link Exit}). */
    public static int run(Io io, String... args) {
        QueenCommand root = new QueenCommand(io);
        CommandLine line = commandLine(root);
        line.setOut(new java.io.PrintWriter(io.out(), true));
        line.setErr(new java.io.PrintWriter(io.err(), true));
        try {
            return line.execute(args);
        } finally {
            root.close();
        }
    }

    /** -h/--help (and -V) on every subcommand, as on the root. */
    private static void addHelp(CommandLine line) {
        for (CommandLine sub : line.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
                addHelp(sub);
            }
        }
    }

    static CommandLine commandLine(QueenCommand root) {
        CommandLine line = new CommandLine(root);
        addHelp(line);
        line.setParameterExceptionHandler((problem, args) -> {
            CommandLine failed = problem.getCommandLine();
            failed.getErr().println("queen: " + problem.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(problem, failed.getErr())) {
                failed.getErr().println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            }
            return Exit.USAGE;
        });
        line.setExecutionExceptionHandler((problem, failed, parsed) -> {
            int code = Failures.code(problem);
            failed.getErr().println("queen: " + Failures.message(problem));
            return code;
        });
        return line;
    }
}
