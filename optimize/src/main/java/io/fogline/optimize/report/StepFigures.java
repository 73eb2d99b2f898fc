package io.fogline.optimize.report;

import java.nio.file.Path;

/**
 * What one step's model measured.
 *
 * @param bytes the file's size
 * @param latencyMillis median single-sample latency in ONNX Runtime
 * @param quality accuracy on labelled samples, or else the mean cosine similarity of its outputs to the first step's
 */
public record StepFigures(String step, Path model, long bytes, double latencyMillis, double quality) {}
