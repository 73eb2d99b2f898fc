package io.fogline.control.rollout;

import io.fogline.control.common.ControlException;
import java.util.ArrayList;
import java.util.List;

/** Cuts a rollout's targets into waves: the canary first, then each wave {@code factor} times the one before. */
public final class WavePlan {

    private WavePlan() {}

    static void validate(RolloutSpec.Waves waves) {
        canaryOf(waves.canary(), 1);
        if (!(waves.factor() >= 1) || waves.factor() > 1000) {
            throw ControlException.invalid("'waves.factor' must be from 1 to 1000, got " + waves.factor());
        }
    }

    /** The sizes of the waves for {@code targets} devices; they add up to {@code targets}. */
    public static List<Integer> sizes(RolloutSpec.Waves waves, int targets) {
        List<Integer> sizes = new ArrayList<>();
        int left = targets;
        double next = Math.min(canaryOf(waves.canary(), targets), targets);
        while (left > 0) {
            int size = (int) Math.min(left, Math.max(1, Math.ceil(next)));
            sizes.add(size);
            left -= size;
            next = size * waves.factor();
        }
        return sizes;
    }

    private static int canaryOf(String canary, int targets) {
        try {
            if (canary.endsWith("%")) {
                double percent = Double.parseDouble(canary.substring(0, canary.length() - 1));
                if (percent > 0 && percent <= 100) {
                    return (int) Math.max(1, Math.ceil(targets * percent / 100));
                }
            } else {
                int count = Integer.parseInt(canary);
                if (count >= 1) {
                    return count;
                }
            }
        } catch (NumberFormatException e) {
            // refused below with the accepted forms
        }
        throw ControlException.invalid(
                "'waves.canary' must be a device count (\"1\") or a share (\"5%\"), got '" + canary + "'");
    }
}
