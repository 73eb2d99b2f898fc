package io.fogline.learn.export;

import java.util.List;

/**
 * What an exported model says about itself.
 *
 * @param modelName the graph's name
 * @param labels the class names, in output order; stored in the model's metadata as a JSON array under {@code labels}
 * @param description how inputs must be prepared, stored as the model's doc string
 */
public record ExportInfo(String modelName, List<String> labels, String description) {

    public ExportInfo {
        labels = List.copyOf(labels);
    }
}
