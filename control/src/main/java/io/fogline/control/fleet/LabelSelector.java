package io.fogline.control.fleet;

import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import java.util.Map;
import java.util.TreeMap;

/** {@code key=value[,key=value...]}: a device matches when it carries every one of these labels. */
public record LabelSelector(Map<String, String> required) {

    public static LabelSelector parse(String text) {
        Map<String, String> required = new TreeMap<>();
        for (String term : text.split(",")) {
            int equals = term.indexOf('=');
            if (equals <= 0) {
                throw ControlException.invalid("selector: expected key=value[,key=value...], got '" + text + "'");
            }
            required.put(
                    Fields.name(term.substring(0, equals).trim(), "selector key"),
                    term.substring(equals + 1).trim());
        }
        return new LabelSelector(required);
    }

    public boolean matches(Map<String, String> labels) {
        return required.entrySet().stream().allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
    }

    @Override
    public String toString() {
        return String.join(
                ",",
                required.entrySet().stream()
                        .map(label -> label.getKey() + "=" + label.getValue())
                        .toList());
    }
}
