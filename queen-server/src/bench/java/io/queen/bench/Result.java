package io.queen.bench;

/** One scenario's figures, as printed in its row and in the final summary. */
record Result(String scenario, double msgPerSec, double reqPerSec, double p50Ms, double p99Ms,
              double cpuPercent, double peakRssMb, long errors, double seconds, boolean exact) {

    static String header() {
        return String.format("%-16s %12s %11s %9s %9s %8s %9s %7s %7s %6s",
                "scenario", "msg/s", "req/s", "p50 ms", "p99 ms", "cpu %", "rss MB", "errors", "secs", "exact");
    }

    String row() {
        return String.format("%-16s %12.0f %11.0f %9.2f %9.2f %8s %9s %7d %7.1f %6s",
                scenario, msgPerSec, reqPerSec, p50Ms, p99Ms,
                Double.isNaN(cpuPercent) ? "n/a" : String.format("%.0f", cpuPercent),
                Double.isNaN(peakRssMb) ? "n/a" : String.format("%.0f", peakRssMb),
                errors, seconds, exact ? "OK" : "FAIL");
    }
}
