package io.queen.db;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every migration file is applied: a file missing from the list is never run, and nothing says so. */
class MigrationFilesTest {
    @Test
    void everyMigrationFileIsListedInOrder() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            assertEquals(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList(),
                    Migrations.FILES);
        }
    }
}
