package io.queen.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java examples compile against the client (each wrapped in a class and a method). */
class ReadmeExamplesTest {
    private static final Pattern FENCE = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readmeJavaExamplesCompile() throws Exception {
        String readme = Files.readString(findReadme());
        List<JavaFileObject> sources = new ArrayList<>();
        Matcher m = FENCE.matcher(readme);
        while (m.find()) {
            int n = sources.size();
            String code = "package readme;\n"
                    + "import io.queen.client.*;\n"
                    + "import com.fasterxml.jackson.databind.JsonNode;\n"
                    + "import java.time.*;\n"
                    + "import java.util.*;\n"
                    + "import java.util.concurrent.CompletableFuture;\n"
                    + "class Example" + n + " {\n"
                    + "    Queen queen;\n"
                    + "    void example() throws Exception {\n"
                    + m.group(1)
                    + "\n    }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///readme/Example" + n + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        assertTrue(sources.size() >= 5, "the README has its Java examples (found " + sources.size() + ")");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = TestServers.tempDir("readme-classes");
        String classpath = String.join(File.pathSeparator, location(Queen.class), location(JsonNode.class),
                location(JsonGenerator.class), location(JsonProperty.class));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("--release", "17", "-classpath", classpath, "-d", out.toString(), "-Xlint:none"),
                    null, sources).call();
            StringBuilder report = new StringBuilder();
            diagnostics.getDiagnostics().forEach(d -> report.append(d.getSource() == null ? "" : d.getSource().getName())
                    .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n'));
            assertTrue(ok, report.toString());
        }
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static Path findReadme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.exists(readme) && Files.exists(dir.resolve("queen-client"))) {
                return readme;
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }
}
