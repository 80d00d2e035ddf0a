package io.queen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.config.Contexts;
import io.queen.cli.out.Column;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code queen config}: the contexts of the config file. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    @Command(name = "config", description = {"Named contexts: server URLs and a token, kubectl-style.",
        "They live in ~/.queen/config (or --config, $QUEEN_CONFIG), a JSON file (so also valid YAML)."},
            subcommands = {Config.GetContexts.class, Config.CurrentContext.class, Config.UseContext.class,
                Config.SetContext.class, Config.DeleteContext.class, Config.View.class})
    static final class Config extends Group {
        @Command(name = "get-contexts", description = "Every context; the current one is marked with *.")
        static final class GetContexts extends Base {
            private static final io.queen.cli.out.View VIEW = io.queen.cli.out.View.of("$",
                    Column.of("current", "current"), Column.of("name", "name"), Column.of("servers", "servers[*]"),
                    Column.of("token", "token"));

            @Override
            void execute() {
                Contexts contexts = session().contexts();
                ArrayNode rows = Session.JSON.createArrayNode();
                for (Contexts.Context context : contexts.all()) {
                    ObjectNode row = rows.addObject();
                    row.put("current", context.name().equals(contexts.currentName()) ? "*" : "");
                    row.put("name", context.name());
                    context.servers().forEach(row.putArray("servers")::add);
                    row.put("token", context.token() == null ? null : "(set)");
                }
                session().print(rows, VIEW);
            }
        }

        @Command(name = "current-context", description = "The current context's name (exit 2 when none is set).")
        static final class CurrentContext extends Base {
            @Override
            void execute() {
                String name = session().contexts().currentName();
                if (name == null) {
                    throw new Exit(Exit.REFUSED, "no current context");
                }
                session().io().out().println(name);
            }
        }

        @Command(name = "use-context", description = "Makes NAME the current context.")
        static final class UseContext extends Base {
            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            void execute() {
                Contexts contexts = session().contexts();
                contexts.use(name);
                contexts.save();
                session().note("Switched to context \"" + name + "\".");
            }
        }

        @Command(name = "set-context", description = {"Creates or updates a context (the first one becomes current).",
            "Its server URL(s) and token come from --server and --token; what is left out keeps its value,",
            "--token '' removes the token."})
        static final class SetContext extends Base {
            @Parameters(paramLabel = "NAME")
            String name;

            @Option(names = "--use", description = "Also make it the current context.")
            boolean use;

            @Override
            void execute() {
                QueenCommand root = (QueenCommand) spec.root().userObject();
                Contexts contexts = session().contexts();
                contexts.set(name, root.server == null ? null : Session.split(root.server), root.token);
                if (use) {
                    contexts.use(name);
                }
                contexts.save();
                session().note("Context \"" + name + "\" saved in " + contexts.file() + ".");
            }
        }

        @Command(name = "delete-context", description = "Removes a context.")
        static final class DeleteContext extends Base {
            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            void execute() {
                Contexts contexts = session().contexts();
                contexts.delete(name);
                contexts.save();
                session().note("Context \"" + name + "\" deleted.");
            }
        }

        @Command(name = "view", description = "Where the settings of this run come from: server(s), token, config file.")
        static final class View extends Base {
            @Override
            void execute() {
                ObjectNode answer = Session.JSON.createObjectNode();
                answer.put("config", session().configFile().toString());
                answer.put("currentContext", session().contexts().currentName());
                session().servers().forEach(answer.putArray("servers")::add);
                answer.put("token", session().token() == null ? null : "(set)");
                session().print(answer, io.queen.cli.out.View.AUTO);
            }
        }
    }
}
