package io.fogline.routing.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Precision, recall and F2 of the standard redactor per entity kind on the labelled set; an entity counts as found
 * only with its exact kind and span. Writes the table to {@code target/redaction-quality.md}.
 */
class RedactionQualityTest {

    /** Recall weighs more than precision: a leaked entity costs more than a redacted order number. */
    private static final double BETA = 2;

    record Counts(int truePositives, int falsePositives, int falseNegatives) {
        double precision() {
            return truePositives + falsePositives == 0 ? 1 : (double) truePositives / (truePositives + falsePositives);
        }

        double recall() {
            return truePositives + falseNegatives == 0 ? 1 : (double) truePositives / (truePositives + falseNegatives);
        }

        double f2() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : (1 + BETA * BETA) * p * r / (BETA * BETA * p + r);
        }

        Counts plus(Counts other) {
            return new Counts(
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives);
        }
    }

    static Map<String, Counts> measure(Redactor redactor, LabelledSet set, List<String> misses) {
        Map<String, Counts> byKind = new TreeMap<>();
        for (LabelledSet.Sample sample : set.samples()) {
            Set<Entity> expected = new HashSet<>(sample.entities());
            Set<Entity> found = new HashSet<>(redactor.find(sample.text()));
            for (Entity entity : found) {
                boolean right = expected.contains(entity);
                byKind.merge(entity.kind(), new Counts(right ? 1 : 0, right ? 0 : 1, 0), Counts::plus);
                if (!right) {
                    misses.add("false " + entity.kind() + " '" + entity.value() + "' in: " + sample.text());
                }
            }
            for (Entity entity : expected) {
                if (!found.contains(entity)) {
                    byKind.merge(entity.kind(), new Counts(0, 0, 1), Counts::plus);
                    misses.add("missed " + entity.kind() + " '" + entity.value() + "' in: " + sample.text());
                }
            }
        }
        return byKind;
    }

    @Test
    void meetsTheFloorsForEachKindOnTheLabelledSet() throws IOException {
        LabelledSet set = LabelledSet.load();
        List<String> misses = new ArrayList<>();
        Map<String, Counts> byKind = measure(Redactor.standard(), set, misses);
        Counts total = byKind.values().stream().reduce(new Counts(0, 0, 0), Counts::plus);
        long entities =
                set.samples().stream().mapToLong(s -> s.entities().size()).sum();
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%d samples, %d labelled entities, %d samples without any.%n%n"
                        + "| kind | labelled | found right | false | missed | precision | recall | F2 |%n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|%n",
                set.samples().size(),
                entities,
                set.samples().stream().filter(s -> s.entities().isEmpty()).count()));
        byKind.put("all", total);
        byKind.forEach((kind, counts) -> table.append(String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f |%n",
                kind,
                counts.truePositives() + counts.falseNegatives(),
                counts.truePositives(),
                counts.falsePositives(),
                counts.falseNegatives(),
                counts.precision(),
                counts.recall(),
                counts.f2())));
        table.append("\nErrors:\n\n");
        misses.forEach(miss -> table.append("- ").append(miss).append('\n'));
        Path report = Path.of(System.getProperty("basedir", ""), "target", "redaction-quality.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table);
        System.out.println(table);

        assertThat(set.samples()).hasSizeGreaterThan(300);
        assertThat(byKind.keySet())
                .contains("EMAIL", "PHONE", "CARD", "IBAN", "IPV4", "IPV6", "US_SSN", "UK_NINO", "DE_TAX_ID");
        byKind.forEach((kind, counts) -> {
            assertThat(counts.recall()).as("recall of " + kind).isGreaterThanOrEqualTo(0.9);
            assertThat(counts.precision()).as("precision of " + kind).isGreaterThanOrEqualTo(0.9);
        });
        assertThat(total.f2()).as("F2 over all kinds").isGreaterThanOrEqualTo(0.97);
    }
}
