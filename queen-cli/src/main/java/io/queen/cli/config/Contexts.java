package io.queen.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.Exit;
import io.queen.cli.out.JsonText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The named server contexts of {@code ~/.queen/config}, kubectl-style:
 * <pre>
 * {
 *   "current-context": "local",
 *   "contexts": [
 *     {"name": "local", "servers": ["http://localhost:6632"], "token": null}
 *   ]
 * }
 * </pre>
 * The file is JSON (which is also YAML). A missing file is an empty configuration; it is
 * written (atomically, readable by its owner only where the file system allows) on change.
 */
public final class Contexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One context: a name, the server URLs (tried in order by the client) and a token. */
    public record Context(String name, List<String> servers, String token) {
    }

    private final Path file;
    private final ObjectNode root;

    private Contexts(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    public static Contexts load(Path file) {
        if (!Files.exists(file)) {
            ObjectNode empty = JSON.createObjectNode();
            empty.putNull("current-context");
            empty.putArray("contexts");
            return new Contexts(file, empty);
        }
        try {
            JsonNode read = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(read instanceof ObjectNode object) || (object.has("contexts") && !object.get("contexts").isArray())) {
                throw new Exit(Exit.USAGE, file + ": not a queen config (an object with a \"contexts\" list)");
            }
            if (!object.has("contexts")) {
                object.putArray("contexts");
            }
            return new Contexts(file, object);
        } catch (IOException e) {
            throw new Exit(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    public String currentName() {
        JsonNode current = root.get("current-context");
        return current == null || current.isNull() ? null : current.asText();
    }

    /** The named context, or the current one when {@code name} is null; null when there is none. */
    public Context find(String name) {
        String wanted = name != null ? name : currentName();
        if (wanted == null) {
            return null;
        }
        for (JsonNode context : root.get("contexts")) {
            if (wanted.equals(context.path("name").asText(null))) {
                return toContext(context);
            }
        }
        if (name != null) {
            throw new Exit(Exit.USAGE, "no context named '" + name + "' in " + file);
        }
        return null;
    }

    public List<Context> all() {
        List<Context> all = new ArrayList<>();
        for (JsonNode context : root.get("contexts")) {
            all.add(toContext(context));
        }
        return all;
    }

    private static Context toContext(JsonNode node) {
        List<String> servers = new ArrayList<>();
        JsonNode listed = node.path("servers");
        if (listed.isArray()) {
            listed.forEach(url -> servers.add(url.asText()));
        } else if (node.path("server").isTextual()) {
            servers.add(node.get("server").asText());
        }
        JsonNode token = node.get("token");
        return new Context(node.path("name").asText(), List.copyOf(servers),
                token == null || token.isNull() ? null : token.asText());
    }

    /** Creates or updates a context; null arguments keep what it had. */
    public Context set(String name, List<String> servers, String token) {
        ObjectNode context = null;
        for (JsonNode existing : root.get("contexts")) {
            if (name.equals(existing.path("name").asText(null))) {
                context = (ObjectNode) existing;
            }
        }
        if (context == null) {
            context = ((ArrayNode) root.get("contexts")).addObject();
            context.put("name", name);
            context.putArray("servers");
            context.putNull("token");
        }
        if (servers != null) {
            ArrayNode list = context.putArray("servers");
            servers.forEach(list::add);
            context.remove("server");
        }
        if (token != null) {
            context.put("token", token.isEmpty() ? null : token);
        }
        if (currentName() == null) {
            root.put("current-context", name);
        }
        return toContext(context);
    }

    public void use(String name) {
        find(name);
        root.put("current-context", name);
    }

    public void delete(String name) {
        find(name);
        ArrayNode contexts = (ArrayNode) root.get("contexts");
        for (int i = contexts.size() - 1; i >= 0; i--) {
            if (name.equals(contexts.get(i).path("name").asText(null))) {
                contexts.remove(i);
            }
        }
        if (name.equals(currentName())) {
            root.putNull("current-context");
        }
    }

    public void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".config", ".tmp");
            try {
                temp.toFile().setReadable(false, false);
                temp.toFile().setReadable(true, true);
                Files.writeString(temp, JsonText.pretty(root) + "\n", StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new Exit(Exit.USAGE, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
