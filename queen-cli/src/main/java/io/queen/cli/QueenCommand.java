package io.queen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code queen}: the root command, its global options (inherited by every subcommand) and
 * the session the subcommands share. The session, and with it the client and JSON, is made
 * only when a command needs it: {@code --help} loads neither.
 */
@Command(name = "queen",
        mixinStandardHelpOptions = true,
        versionProvider = QueenCommand.Version.class,
        description = "The operator's command line of Queen, the PostgreSQL-backed message queue.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Done.",
            "1:Usage error: unknown command or option, bad value, unreadable config.",
            "2:The server refused the request (400, 404, 409, ...), or what was asked for does not exist.",
            "3:Server unreachable, timed out or failing (5xx).",
            "4:Authentication or permission refused (401, 403).",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  QUEEN_SERVER   server URL(s), comma-separated",
            "  QUEEN_TOKEN    bearer token",
            "  QUEEN_CONTEXT  context to use instead of the current one",
            "  QUEEN_CONFIG   config file (default ~/.queen/config)",
            "An option wins over its variable, a variable over the context.",
        },
        subcommands = {
            Commands.Ping.class, Commands.Status.class, Commands.Lag.class, Commands.Metrics.class,
            DataCommands.Push.class, DataCommands.Pop.class, DataCommands.Ack.class, DataCommands.Tail.class,
            GroupCommands.Replay.class, GroupCommands.Seek.class,
            QueueCommands.Queue.class, QueueCommands.Partition.class,
            MessageCommands.Messages.class, MessageCommands.Dlq.class, MessageCommands.Traces.class,
            GroupCommands.Cg.class, Commands.Maintenance.class,
            BenchCommand.class, ConfigCommands.Config.class, CompletionCommand.class,
        })
public final class QueenCommand implements Runnable, AutoCloseable {
    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL[,URL...]",
            description = "Server URL(s); several are tried in order. Default: $QUEEN_SERVER, the context, http://localhost:6632.")
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Bearer token. Default: $QUEEN_TOKEN, the context's token.")
    String token;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Context of the config file to use instead of the current one.")
    String context;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Config file. Default: $QUEEN_CONFIG, ~/.queen/config.")
    String config;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table, wide, json, ndjson, yaml or jsonpath=<expr>. Default: table on a terminal, json in a pipe.")
    String output;

    private final Io io;
    private Session session;

    public QueenCommand(Io io) {
        this.io = io;
    }

    Io io() {
        return io;
    }

    /** The shared session, made on first use. */
    Session session() {
        if (session == null) {
            session = new Session(io, new Session.Settings(server, token, context, config, output));
        }
        return session;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = QueenCommand.class.getPackage().getImplementationVersion();
            return new String[] {"queen " + (version == null ? "(development build)" : version)};
        }
    }
}
