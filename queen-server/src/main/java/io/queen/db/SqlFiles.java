package io.queen.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads SQL kept as resource files, so that no statement lives inside Java strings. */
public final class SqlFiles {
    private SqlFiles() {
    }

    public static String query(String name) {
        return read("db/queries/" + name + ".sql");
    }

    static String read(String resource) {
        try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing SQL resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
