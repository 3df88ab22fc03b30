package dev.sluice.gateway.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4). It fails on what lenient parsers
 * let through: a second HELP or TYPE for a family, TYPE after the family's samples, a family's samples
 * split by another family, invalid metric or label names, bad escapes, duplicate labels or series,
 * unparsable values, histogram buckets that are not cumulative, a missing +Inf bucket, a _count that
 * differs from it, and summary quantiles outside [0, 1].
 */
public final class StrictPrometheusParser {

    /** One sample: metric name, labels (sorted), value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** A metric family with its type, help and samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private String current;

    private StrictPrometheusParser() {}

    /** Parses the whole exposition; IllegalArgumentException naming the line on any violation. */
    public static Map<String, Family> parse(String text) {
        StrictPrometheusParser p = new StrictPrometheusParser();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            try {
                p.line(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        p.families.values().forEach(StrictPrometheusParser::checkFamily);
        return p.families;
    }

    private void line(String line) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            String[] parts = line.substring(7).split(" ", 2);
            String name = name(parts[0]);
            Family f = family(name);
            if (line.startsWith("# HELP ")) {
                if (f.help() != null) {
                    throw new IllegalArgumentException("second HELP for " + name);
                }
                families.put(name, new Family(name, f.type(), parts.length > 1 ? parts[1] : "", f.samples()));
            } else {
                if (f.type() != null) {
                    throw new IllegalArgumentException("second TYPE for " + name);
                }
                if (!f.samples().isEmpty()) {
                    throw new IllegalArgumentException("TYPE after samples of " + name);
                }
                String type = parts.length > 1 ? parts[1].strip() : "";
                if (!TYPES.contains(type)) {
                    throw new IllegalArgumentException("unknown type " + type);
                }
                families.put(name, new Family(name, type, f.help(), f.samples()));
            }
            switchTo(name);
            return;
        }
        if (line.startsWith("#")) {
            return;
        }
        sample(line);
    }

    private Family family(String name) {
        return families.computeIfAbsent(name, n -> new Family(n, null, null, new ArrayList<>()));
    }

    private void switchTo(String name) {
        if (!name.equals(current)) {
            if (closed.contains(name)) {
                throw new IllegalArgumentException("family " + name + " appears again after another family");
            }
            if (current != null) {
                closed.add(current);
            }
            current = name;
        }
    }

    private void sample(String line) {
        Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( -?\\d+)?$")
                .matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a sample line");
        }
        String name = m.group(1);
        Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3));
        double value = value(m.group(4));
        String familyName = familyOf(name);
        switchTo(familyName);
        if (!series.add(name + labels)) {
            throw new IllegalArgumentException("duplicate series " + name + labels);
        }
        family(familyName).samples().add(new Sample(name, labels, value));
    }

    private String familyOf(String sample) {
        for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                Family f = families.get(base);
                if (f != null
                        && f.type() != null
                        && !f.type().equals("gauge")
                        && !f.type().equals("untyped")) {
                    return base;
                }
            }
        }
        Family f = families.get(sample);
        if (f == null || f.type() == null) {
            throw new IllegalArgumentException("sample " + sample + " without a TYPE line before it");
        }
        return sample;
    }

    private static Map<String, String> labels(String s) {
        Map<String, String> out = new TreeMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("label without value");
            }
            String label = s.substring(i, eq);
            if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("bad label name " + label);
            }
            if (eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label value not quoted");
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; j < s.length() && s.charAt(j) != '"'; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    char n = s.charAt(++j);
                    if (n != '\\' && n != '"' && n != 'n') {
                        throw new IllegalArgumentException("bad escape \\" + n);
                    }
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            if (j >= s.length()) {
                throw new IllegalArgumentException("unterminated label value");
            }
            if (out.put(label, v.toString()) != null) {
                throw new IllegalArgumentException("duplicate label " + label);
            }
            i = j + 1;
            if (i < s.length()) {
                if (s.charAt(i) != ',') {
                    throw new IllegalArgumentException("expected ',' between labels");
                }
                i++;
            }
        }
        return out;
    }

    private static double value(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value " + v);
                }
            }
        };
    }

    private static String name(String n) {
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("bad metric name " + n);
        }
        return n;
    }

    private static void checkFamily(Family f) {
        if ("histogram".equals(f.type())) {
            Map<Map<String, String>, List<Sample>> bySeries = new HashMap<>();
            Map<Map<String, String>, Double> counts = new HashMap<>();
            for (Sample s : f.samples()) {
                Map<String, String> rest = new TreeMap<>(s.labels());
                rest.remove("le");
                if (s.name().endsWith("_bucket")) {
                    bySeries.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
                } else if (s.name().endsWith("_count")) {
                    counts.put(rest, s.value());
                }
            }
            bySeries.forEach((labels, buckets) -> {
                double last = -1;
                double prevLe = Double.NEGATIVE_INFINITY;
                for (Sample b : buckets) {
                    double le = value(b.labels().get("le"));
                    if (le <= prevLe || b.value() < last) {
                        throw new IllegalArgumentException(f.name() + labels + ": buckets not cumulative in le order");
                    }
                    prevLe = le;
                    last = b.value();
                }
                if (prevLe != Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(f.name() + labels + ": no +Inf bucket");
                }
                if (counts.containsKey(labels) && counts.get(labels) != last) {
                    throw new IllegalArgumentException(f.name() + labels + ": _count differs from the +Inf bucket");
                }
            });
        }
        if ("summary".equals(f.type())) {
            for (Sample s : f.samples()) {
                String q = s.labels().get("quantile");
                if (q != null && !(value(q) >= 0 && value(q) <= 1)) {
                    throw new IllegalArgumentException(f.name() + ": quantile " + q + " outside [0, 1]");
                }
            }
        }
    }
}
