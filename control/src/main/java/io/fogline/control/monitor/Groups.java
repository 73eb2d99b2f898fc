package io.fogline.control.monitor;

import io.fogline.core.telemetry.ModelWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** Windows summed by a key: per device and model version, or per model version across the fleet. */
final class Groups {

    private Groups() {}

    static Map<String, ModelWindow> sum(
            Collection<TelemetryStore.StoredWindow> windows, Function<TelemetryStore.StoredWindow, String> key) {
        Map<String, ModelWindow> sums = new LinkedHashMap<>();
        for (TelemetryStore.StoredWindow window : windows) {
            sums.merge(key.apply(window), window.figures(), ModelWindow::merge);
        }
        return sums;
    }

    static String deviceModel(TelemetryStore.StoredWindow window) {
        return window.deviceId()
                + ':'
                + window.figures().model()
                + ':'
                + window.figures().version();
    }

    static String model(TelemetryStore.StoredWindow window) {
        return window.figures().model() + ':' + window.figures().version();
    }

    /**
     * Hands on a stream sorted by a key one run of equal keys at a time, so a pass over the whole fleet holds one
     * device's items, never all of them. {@link #finish} hands on the last run.
     */
    static final class Runs<T> implements Consumer<T> {
        private final Function<T, String> key;
        private final Consumer<List<T>> each;
        private String current;
        private List<T> run = new ArrayList<>();

        Runs(Function<T, String> key, Consumer<List<T>> each) {
            this.key = key;
            this.each = each;
        }

        @Override
        public void accept(T item) {
            String itemKey = key.apply(item);
            if (!itemKey.equals(current)) {
                finish();
                current = itemKey;
            }
            run.add(item);
        }

        void finish() {
            if (!run.isEmpty()) {
                each.accept(run);
                run = new ArrayList<>();
            }
        }
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
