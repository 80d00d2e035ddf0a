package io.queen.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus text exposition (format 0.0.4) of the families that do not come from
 * Micrometer. Samples may arrive in any order; each family is written once, with one
 * {@code # HELP} and {@code # TYPE}, its samples together. Label values are escaped.
 */
public final class PrometheusText {

    private record Family(String type, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Declares a family; its samples follow with {@link #sample}. */
    public PrometheusText family(String name, String type, String help) {
        families.putIfAbsent(name, new Family(type, help, new ArrayList<>()));
        return this;
    }

    /** A sample without labels. */
    public PrometheusText sample(String family, double value) {
        return sample(family, new String[0], new String[0], value);
    }

    /** A sample of a declared family (an undeclared one becomes a gauge). */
    public PrometheusText sample(String family, String[] labelNames, String[] labelValues, double value) {
        StringBuilder line = new StringBuilder(family);
        if (labelNames.length > 0) {
            line.append('{');
            for (int i = 0; i < labelNames.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(labelNames[i]).append("=\"");
                escape(line, labelValues[i] == null ? "" : labelValues[i]);
                line.append('"');
            }
            line.append('}');
        }
        line.append(' ').append(format(value));
        families.computeIfAbsent(family, f -> new Family("gauge", f, new ArrayList<>())).samples().add(line.toString());
        return this;
    }

    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Families that have samples, each with its HELP and TYPE lines. */
    public void writeTo(StringBuilder out) {
        families.forEach((name, f) -> {
            if (f.samples().isEmpty()) {
                return;
            }
            out.append("# HELP ").append(name).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
            out.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            f.samples().forEach(s -> out.append(s).append('\n'));
        });
    }
}
