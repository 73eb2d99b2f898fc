package io.fogline.federated;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** How many updates a round refused, by reason; safe to count from many request threads. */
public final class RefusalCounts {

    private final AtomicLongArray counts = new AtomicLongArray(Refusal.values().length);

    public void add(Refusal reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long get(Refusal reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The non-zero counts, in the enum's order. */
    public Map<Refusal, Long> asMap() {
        Map<Refusal, Long> map = new EnumMap<>(Refusal.class);
        for (Refusal reason : Refusal.values()) {
            long count = get(reason);
            if (count > 0) {
                map.put(reason, count);
            }
        }
        return map;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        asMap().forEach((reason, count) -> text.append(text.isEmpty() ? "" : ", ")
                .append(reason.code())
                .append(' ')
                .append(count));
        return text.isEmpty() ? "none" : text.toString();
    }
}
