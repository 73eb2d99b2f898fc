package io.fogline.control.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How old telemetry is kept at a lower resolution: a device's windows older than a tier's age are merged, per model
 * version (health per device), into one window per bucket of the tier's size, so that a week stays viewable while
 * its rows stay few. Every figure of a window adds up (counts, histograms, maxima), so a merged window holds exactly
 * the sum of those it replaced.
 *
 * <p>Buckets are aligned on the epoch (UTC), end-inclusive like the views' spans: a window belongs to the bucket its
 * end falls in. Each tier's bucket divides the next one's, so a coarse bucket is a union of whole finer ones, and
 * divides a day, so buckets line up with hours and days.
 *
 * @param tiers ascending by age and by bucket; empty for none
 */
public record Downsampling(List<Tier> tiers) {

    /** Windows that ended more than {@code after} ago are merged into buckets of {@code bucket}. */
    public record Tier(Duration after, Duration bucket) {}

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");
    private static final Pattern TIER = Pattern.compile("([^=]+)=([^=]+)");

    public Downsampling {
        tiers = List.copyOf(tiers);
        Tier previous = null;
        for (Tier tier : tiers) {
            Duration bucket = tier.bucket();
            if (bucket.compareTo(Duration.ofMinutes(1)) < 0
                    || Duration.ofDays(1).toMillis() % bucket.toMillis() != 0) {
                throw new IllegalArgumentException(
                        "a down-sampling bucket must be a minute to a day and divide a day, got " + format(bucket));
            }
            if (tier.after().compareTo(bucket) < 0) {
                throw new IllegalArgumentException("windows are down-sampled into " + format(bucket)
                        + " buckets only once they are at least that old, got " + format(tier.after()));
            }
            if (previous != null
                    && (tier.after().compareTo(previous.after()) <= 0
                            || bucket.toMillis() % previous.bucket().toMillis() != 0
                            || bucket.equals(previous.bucket()))) {
                throw new IllegalArgumentException("down-sampling tiers must grow older and coarser, each bucket a"
                        + " multiple of the one before: " + format(previous) + " then " + format(tier));
            }
            previous = tier;
        }
    }

    /**
     * Five-minute windows after two hours, hourly ones after two days: the resolutions Thanos's compactor makes, so
     * what an operator reads in Grafana reads the same here. Raw windows stay for the spans the alerts and the
     * dashboard read (the last hour and its baseline), and a day of hourly windows is 24 rows a model.
     */
    public static Downsampling defaults() {
        return parse("2h=5m,2d=1h");
    }

    public static Downsampling none() {
        return new Downsampling(List.of());
    }

    /**
     * Tiers as {@code AGE=BUCKET,...} with durations in {@code s}, {@code m}, {@code h} or {@code d} (e.g.
     * {@code 2h=5m,2d=1h}), or {@code off}.
     */
    public static Downsampling parse(String spec) {
        if (spec.equals("off")) {
            return none();
        }
        List<Tier> tiers = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            Matcher tier = TIER.matcher(part.strip());
            if (!tier.matches()) {
                throw new IllegalArgumentException("telemetry down-sampling must be AGE=BUCKET,... (e.g. 2h=5m,2d=1h)"
                        + " or off, got '" + spec + "'");
            }
            tiers.add(new Tier(
                    duration(tier.group(1).strip()), duration(tier.group(2).strip())));
        }
        return new Downsampling(tiers);
    }

    private static Duration duration(String text) {
        Matcher duration = DURATION.matcher(text);
        if (!duration.matches()) {
            throw new IllegalArgumentException(
                    "a down-sampling duration is a number and s, m, h or d (e.g. 5m), got '" + text + "'");
        }
        long amount = Long.parseLong(duration.group(1));
        return switch (duration.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** As {@link #parse} reads it. */
    @Override
    public String toString() {
        return tiers.isEmpty()
                ? "off"
                : String.join(",", tiers.stream().map(Downsampling::format).toList());
    }

    private static String format(Tier tier) {
        return format(tier.after()) + "=" + format(tier.bucket());
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0 && seconds > 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
