package io.fogline.optimize.report;

import java.nio.file.Path;

/**
 * One model in a chain of optimizations, named by what made it: {@code teacher}, {@code distilled mlp:128}, {@code
 * pruned 50%}, {@code int8 static}.
 */
public record ModelStep(String step, Path model) {}
