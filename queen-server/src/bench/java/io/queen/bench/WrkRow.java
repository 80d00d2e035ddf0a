package io.queen.bench;

/**
 * One row of the wrk mode's table. {@code messages} and {@code requests} are what the CPU
 * is divided by; the rates are over the time the scenario actually ran.
 */
record WrkRow(String scenario, long messages, long requests, double msgPerSec, double reqPerSec,
              double p50Ms, double p99Ms, Usage usage, long errors, boolean exact) {

    static String markdownHeader() {
        return "| scenario | msg/s | req/s | p50 ms | p99 ms | server CPU µs/msg | server CPU µs/req"
                + " | PostgreSQL CPU µs/msg | server peak RSS MB | errors (non-2xx etc.) | vs raw | exact |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";
    }

    /** {@code raw}: the raw-pgbench row, for push-b100's ratio (null when not run). */
    String markdownRow(WrkRow raw) {
        String ratio = scenario.equals("push-b100") && raw != null && raw.msgPerSec > 0
                ? String.format("%.1f %%", 100.0 * msgPerSec / raw.msgPerSec) : "";
        return String.join(" | ", "| " + scenario,
                String.format("%,.0f", msgPerSec), String.format("%,.0f", reqPerSec),
                ms(p50Ms), ms(p99Ms),
                micros(usage.serverMicrosPer(messages)), micros(usage.serverMicrosPer(requests)),
                micros(usage.postgresMicrosPer(messages)),
                Double.isNaN(usage.peakRssMb()) ? "–" : String.format("%.0f", usage.peakRssMb()),
                Long.toString(errors), ratio, exact ? "OK" : "FAIL") + " |";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(v < 10 ? "%.2f" : "%.0f", v);
    }

    private static String micros(double v) {
        return Double.isNaN(v) ? "–" : String.format(v < 10 ? "%.2f" : "%.1f", v);
    }
}
