package io.queen.http;

import io.queen.auth.AccessLevel;
import io.queen.auth.AuthHandler;
import io.queen.auth.Identity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The web dashboard (spec 3.18), served from the classpath: the files under {@code webapp/}
 * of this jar plus uPlot from its WebJar, all read into memory (with a gzipped copy) once per
 * process. {@code index.html} names the assets under {@code /assets/<hash>/}, the hash of
 * their content, so they can be cached for a year and a new build is still fetched at once.
 * Mounted last: every API route wins over the SPA fallback.
 */
public final class DashboardRoutes {
    private static final String ROOT = "webapp/";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final String VERSION_MARK = "@ASSETS@";
    private static final String INDEX = "index.html";

    private static volatile Webapp files;

    /** Whether a GET of {@code path} belongs to the dashboard (and so is public) rather than to the API. */
    public static boolean serves(String path) {
        return !(path.startsWith("/api/") || path.equals("/api") || path.startsWith("/health")
                || path.startsWith("/metrics") || path.startsWith("/ws/") || path.startsWith("/internal/")
                || path.startsWith("/streams/"));
    }

    /** Null when JWT authentication is off. */
    private final AuthHandler auth;

    DashboardRoutes(AuthHandler auth) {
        this.auth = auth;
    }

    void mount(Router router) {
        Webapp loaded = load();
        router.get("/api/v1/access").handler(this::access);
        // every method and path reaches this route, so a POST to an unknown path stays a 404 (not a 405)
        router.route().handler(ctx -> {
            HttpMethod method = ctx.request().method();
            if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && serves(ctx.request().path())) {
                serve(ctx, loaded);
            } else {
                ctx.next();
            }
        });
    }

    /**
     * Whether a token is needed and what the caller's token allows, so the dashboard can ask for
     * one and hide what the role may not do (the server still checks every call). Public, and
     * always 200: {@code level} is null without an accepted token, with the reason in {@code error}.
     */
    private void access(RoutingContext ctx) {
        if (auth == null) {
            answer(ctx, false, AccessLevel.ADMIN.name(), null, null);
            return;
        }
        auth.identify(ctx).onComplete(ar -> {
            if (ar.failed()) {
                answer(ctx, true, null, null, ar.cause().getMessage());
                return;
            }
            Identity identity = ar.result();
            String level;
            if (identity.roles().contains(AccessLevel.Role.ADMIN)) {
                level = AccessLevel.ADMIN.name();
            } else if (identity.roles().contains(AccessLevel.Role.READ_WRITE)) {
                level = AccessLevel.READ_WRITE.name();
            } else if (identity.roles().contains(AccessLevel.Role.READ_ONLY)) {
                level = AccessLevel.READ_ONLY.name();
            } else {
                level = null; // a valid token without a role may do nothing
            }
            answer(ctx, true, level, identity.subject(), level == null ? "The token carries no role" : null);
        });
    }

    private static void answer(RoutingContext ctx, boolean authentication, String level, String subject, String error) {
        Responses.json(ctx, 200, new JsonOut().beginObject().field("authentication", authentication)
                .field("level", level).field("subject", subject).field("error", error)
                .endObject().toString());
    }

    private static void serve(RoutingContext ctx, Webapp loaded) {
        String raw = ctx.request().path();
        String path;
        try {
            path = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, "Malformed path");
            return;
        }
        if (escapes(path)) {
            Responses.error(ctx, 403, "Forbidden");
            return;
        }
        String name = path.substring(1);
        String prefix = "assets/" + loaded.version + "/";
        String cache;
        if (name.startsWith(prefix)) {
            name = "assets/" + name.substring(prefix.length());
        }
        if (name.isEmpty() || name.equals(INDEX) || !loaded.content.containsKey(name)) {
            name = INDEX; // the root, or the SPA fallback
            cache = "no-cache, no-store, must-revalidate";
        } else if (name.startsWith("assets/")) {
            cache = "public, max-age=31536000, immutable";
        } else {
            cache = "public, max-age=3600";
        }
        HttpServerResponse response = ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, mime(name))
                .putHeader(HttpHeaders.CACHE_CONTROL, cache)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(HttpHeaders.VARY, "Accept-Encoding");
        String accepts = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
        Buffer body;
        if (accepts != null && accepts.contains("gzip")) {
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
            body = loaded.gzipped.get(name);
        } else {
            body = loaded.content.get(name);
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            response.end(body);
        }
    }

    /** A path with a {@code ..} segment, a backslash or a NUL could name a file outside the root. */
    static boolean escapes(String decoded) {
        if (decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0) {
            return true;
        }
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static String mime(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    /** The dashboard's files by name relative to the web root, plain and gzipped; the assets' hash. */
    private record Webapp(Map<String, Buffer> content, Map<String, Buffer> gzipped, String version) {
    }

    private static Webapp load() {
        Webapp loaded = files;
        if (loaded == null) {
            synchronized (DashboardRoutes.class) {
                loaded = files;
                if (loaded == null) {
                    loaded = read();
                    files = loaded;
                }
            }
        }
        return loaded;
    }

    private static Webapp read() {
        Map<String, byte[]> raw = new TreeMap<>();
        try {
            walk(raw);
            String uplot = uplotVersion();
            raw.put("assets/vendor/uPlot.iife.min.js", resource(UPLOT + uplot + "/dist/uPlot.iife.min.js"));
            raw.put("assets/vendor/uPlot.min.css", resource(UPLOT + uplot + "/dist/uPlot.min.css"));
            raw.put("assets/vendor/uPlot.LICENSE", resource(UPLOT + uplot + "/LICENSE"));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            raw.forEach((name, bytes) -> {
                if (name.startsWith("assets/")) {
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update(bytes);
                }
            });
            String version = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
            byte[] index = raw.get(INDEX);
            if (index == null) {
                throw new IllegalStateException("The dashboard's index.html is missing from the classpath");
            }
            raw.put(INDEX, new String(index, StandardCharsets.UTF_8).replace(VERSION_MARK, "/assets/" + version)
                    .getBytes(StandardCharsets.UTF_8));
            Map<String, Buffer> content = new TreeMap<>();
            Map<String, Buffer> gzipped = new TreeMap<>();
            for (Map.Entry<String, byte[]> e : raw.entrySet()) {
                content.put(e.getKey(), Buffer.buffer(e.getValue()));
                gzipped.put(e.getKey(), Buffer.buffer(gzip(e.getValue())));
            }
            return new Webapp(Map.copyOf(content), Map.copyOf(gzipped), version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file under webapp/ on the classpath, from a folder (tests, IDE) or from the jar. */
    private static void walk(Map<String, byte[]> into) throws IOException, URISyntaxException {
        URI uri = DashboardRoutes.class.getClassLoader().getResource(ROOT + INDEX).toURI();
        if ("jar".equals(uri.getScheme())) {
            FileSystem fs;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                collect(FileSystems.getFileSystem(uri).getPath("/" + ROOT), into); // someone else's: left open
                return;
            }
            // closed once read: an open one keeps the index of the whole jar (11,000+ entries, ~3 MB) in the heap
            try (fs) {
                collect(fs.getPath("/" + ROOT), into);
            }
        } else {
            collect(Path.of(uri).getParent(), into);
        }
    }

    private static void collect(Path root, Map<String, byte[]> into) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                into.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
    }

    private static String uplotVersion() throws IOException {
        Properties props = new Properties();
        try (InputStream in = DashboardRoutes.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("The uPlot WebJar is missing from the classpath");
            }
            props.load(in);
        }
        return props.getProperty("version");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
