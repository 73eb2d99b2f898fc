package io.fogline.routing.redact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The labelled redaction samples of {@code redaction/labelled.txt}: texts with their entities marked. */
record LabelledSet(List<Sample> samples) {

    private static final Pattern MARK = Pattern.compile("\\[\\[([A-Z0-9_]+)\\|(.+?)]]");

    record Sample(String text, List<Entity> entities) {}

    static LabelledSet load() throws IOException {
        try (InputStream in = LabelledSet.class.getResourceAsStream("/redaction/labelled.txt")) {
            List<Sample> samples = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    samples.add(parse(line));
                }
            }
            return new LabelledSet(samples);
        }
    }

    static Sample parse(String line) {
        Matcher matcher = MARK.matcher(line);
        StringBuilder text = new StringBuilder();
        List<Entity> entities = new ArrayList<>();
        int copied = 0;
        while (matcher.find()) {
            text.append(line, copied, matcher.start());
            int start = text.length();
            text.append(matcher.group(2));
            entities.add(new Entity(matcher.group(1), start, text.length(), matcher.group(2)));
            copied = matcher.end();
        }
        text.append(line, copied, line.length());
        return new Sample(text.toString(), entities);
    }
}
