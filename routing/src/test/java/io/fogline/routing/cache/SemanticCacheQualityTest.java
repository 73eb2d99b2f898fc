package io.fogline.routing.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.routing.embed.Embedding;
import io.fogline.routing.embed.MiniLm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Correct and wrong semantic-cache hits on the paraphrase set over a sweep of thresholds, with and without the
 * {@link MeaningGuard}; writes the tables to {@code target/semantic-cache-quality.md} and holds the default threshold
 * to what the measurement showed.
 */
class SemanticCacheQualityTest {

    record Pair(boolean same, String category, String cached, String asked, double cosine, boolean guardAllows) {}

    static List<Pair> measuredPairs() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = SemanticCacheQualityTest.class.getResourceAsStream("/semantic-cache/pairs.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t"));
                }
            }
        }
        List<String> texts = new ArrayList<>();
        rows.forEach(row -> {
            texts.add(row[2]);
            texts.add(row[3]);
        });
        List<Embedding> embeddings = MiniLm.embedder().embed(texts);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            pairs.add(new Pair(
                    row[0].equals("SAME"),
                    row[1],
                    row[2],
                    row[3],
                    embeddings.get(2 * i).cosine(embeddings.get(2 * i + 1)),
                    MeaningGuard.compatible(row[3], row[2])));
        }
        return pairs;
    }

    /** Hits per category at a threshold: for "paraphrase" the correct ones, for the others the wrong ones. */
    static Map<String, int[]> hits(List<Pair> pairs, double threshold, boolean guarded) {
        Map<String, int[]> byCategory = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            int[] counts = byCategory.computeIfAbsent(pair.category(), c -> new int[2]);
            counts[1]++;
            if (pair.cosine() >= threshold && (!guarded || pair.guardAllows())) {
                counts[0]++;
            }
        }
        return byCategory;
    }

    @Test
    void theDefaultThresholdMakesNoWrongHitOnTheParaphraseSet() throws IOException {
        List<Pair> pairs = measuredPairs();
        StringBuilder report = new StringBuilder();
        for (boolean guarded : new boolean[] {false, true}) {
            report.append(guarded ? "\nWith the meaning guard:\n\n" : "Cosine threshold alone:\n\n");
            Map<String, int[]> header = hits(pairs, 0, guarded);
            report.append("| threshold | correct hits: paraphrase |");
            header.keySet().stream()
                    .skip(1)
                    .forEach(c -> report.append(" wrong hits: ").append(c).append(" |"));
            report.append(" wrong hits, all |\n|---:|---:|");
            header.keySet().stream().skip(1).forEach(c -> report.append("---:|"));
            report.append("---:|\n");
            for (int step = 0; step <= 18; step++) {
                double threshold = 0.80 + step * 0.01;
                Map<String, int[]> row = hits(pairs, threshold, guarded);
                report.append(String.format(Locale.ROOT, "| %.2f |", threshold));
                int wrong = 0;
                int different = 0;
                for (Map.Entry<String, int[]> category : row.entrySet()) {
                    int[] c = category.getValue();
                    report.append(String.format(Locale.ROOT, " %d/%d |", c[0], c[1]));
                    if (!category.getKey().equals("paraphrase")) {
                        wrong += c[0];
                        different += c[1];
                    }
                }
                report.append(String.format(Locale.ROOT, " %d/%d |%n", wrong, different));
            }
        }
        report.append("\nWrong pairs above 0.85 that the guard lets through:\n\n");
        new TreeMap<Double, Pair>(java.util.Comparator.reverseOrder()) {
            {
                pairs.stream()
                        .filter(p -> !p.same() && p.cosine() >= 0.85 && p.guardAllows())
                        .forEach(p -> put(p.cosine(), p));
            }
        }.values()
                .forEach(p -> report.append(String.format(
                        Locale.ROOT, "- %.3f %s: \"%s\" / \"%s\"%n", p.cosine(), p.category(), p.cached(), p.asked())));
        Path file = Path.of(System.getProperty("basedir", ""), "target", "semantic-cache-quality.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
        System.out.println(report);

        Map<String, int[]> chosen = hits(pairs, SemanticCache.DEFAULT_THRESHOLD, true);
        chosen.forEach((category, counts) -> {
            if (!category.equals("paraphrase")) {
                assertThat(counts[0]).as("wrong hits on " + category).isZero();
            }
        });
        assertThat(chosen.get("paraphrase")[0])
                .as("correct hits on paraphrases")
                .isGreaterThanOrEqualTo(15);
        assertThat(hits(pairs, SemanticCache.DEFAULT_THRESHOLD, false).get("negation")[0])
                .as("the guard is what keeps negations out")
                .isPositive();
    }
}
