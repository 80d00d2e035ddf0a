package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.queen.cli.config.Contexts;
import io.queen.cli.out.Format;
import io.queen.cli.out.Progress;
import io.queen.cli.out.Renderer;
import io.queen.cli.out.View;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the commands of one run share: the resolved server and token, the output format, the
 * client (made on first use) and the printing of answers.
 */
final class Session implements AutoCloseable {
    static final String DEFAULT_SERVER = "http://localhost:6632";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The global options as given (null: not given). */
    record Settings(String server, String token, String context, String config, String output) {
    }

    private final Io io;
    private final Settings settings;
    private final Format format;
    private Api api;

    Session(Io io, Settings settings) {
        this.io = io;
        this.settings = settings;
        this.format = settings.output() == null ? null : parseFormat(settings.output());
    }

    private static Format parseFormat(String text) {
        try {
            return Format.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Exit(Exit.USAGE, e.getMessage());
        }
    }

    Io io() {
        return io;
    }

    /** The config file: --config, $QUEEN_CONFIG, ~/.queen/config. */
    Path configFile() {
        if (settings.config() != null) {
            return Path.of(settings.config());
        }
        String fromEnv = io.env("QUEEN_CONFIG");
        return fromEnv != null ? Path.of(fromEnv) : io.home().resolve(".queen").resolve("config");
    }

    Contexts contexts() {
        return Contexts.load(configFile());
    }

    /** Server URLs: --server, $QUEEN_SERVER, the context, the default. */
    List<String> servers() {
        String given = settings.server() != null ? settings.server() : io.env("QUEEN_SERVER");
        if (given != null) {
            return split(given);
        }
        Contexts.Context context = context();
        if (context != null && !context.servers().isEmpty()) {
            return context.servers();
        }
        return List.of(DEFAULT_SERVER);
    }

    /** Token: --token, $QUEEN_TOKEN, the context; null for none. */
    String token() {
        if (settings.token() != null) {
            return settings.token().isEmpty() ? null : settings.token();
        }
        String fromEnv = io.env("QUEEN_TOKEN");
        if (fromEnv != null) {
            return fromEnv;
        }
        Contexts.Context context = context();
        return context == null ? null : context.token();
    }

    private Contexts.Context context() {
        String name = settings.context() != null ? settings.context() : io.env("QUEEN_CONTEXT");
        return contexts().find(name);
    }

    static List<String> split(String urls) {
        List<String> list = new ArrayList<>();
        for (String url : urls.split(",")) {
            if (!url.isBlank()) {
                list.add(url.trim());
            }
        }
        if (list.isEmpty()) {
            throw new Exit(Exit.USAGE, "no server URL in '" + urls + "'");
        }
        return list;
    }

    Api api() {
        if (api == null) {
            api = new Api(servers(), token());
        }
        return api;
    }

    /** -o as given, else table on a terminal and JSON in a pipe. */
    Format format() {
        return format != null ? format : io.outTty() ? Format.TABLE : Format.JSON;
    }

    /** -o as given, else {@code fallback} (commands that stream, like tail, default to NDJSON). */
    Format format(Format fallback) {
        return format != null ? format : fallback;
    }

    void print(JsonNode answer, View view) {
        print(answer, view, format());
    }

    void print(JsonNode answer, View view, Format chosen) {
        io.out().print(Renderer.render(answer, view, chosen));
        io.out().flush();
    }

    Progress progress(String label, long total) {
        return new Progress(label, total, io.err(), io.errTty());
    }

    /** A note for the operator on stderr (never mixed into stdout, which scripts read). */
    void note(String text) {
        io.err().println(text);
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
    }
}
