package dev.vaelab.train.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --key value} arguments of the bench programs, checked with one-line errors. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** {@code argv} as key → value, each key one of {@code known}, every one of {@code required} present. */
    static Map<String, String> parse(String[] argv, List<String> known, List<String> required) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i += 2) {
            String key = argv[i].replaceFirst("^--", "");
            if (!known.contains(key) || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --KEY VALUE with KEY one of " + known + ", got " + argv[i]);
            }
            args.put(key, argv[i + 1]);
        }
        for (String key : required) {
            if (!args.containsKey(key)) {
                throw new IllegalArgumentException("--" + key + " is required");
            }
        }
        return args;
    }

    static int number(Map<String, String> args, String key, int otherwise, int least) {
        return args.containsKey(key) ? wholeNumber("--" + key, args.get(key), least) : otherwise;
    }

    static int wholeNumber(String option, String text, int least) {
        try {
            int value = Integer.parseInt(text);
            if (value >= least) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a whole number >= " + least + ", got '" + text + "'");
    }
}
