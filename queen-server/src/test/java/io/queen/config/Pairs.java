package io.queen.config;

import java.util.HashMap;
import java.util.Map;

/** Environment variables for a test, written as name, value, name, value... */
final class Pairs {
    private Pairs() {
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
