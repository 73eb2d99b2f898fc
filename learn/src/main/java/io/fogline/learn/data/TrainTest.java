package io.fogline.learn.data;

/** A dataset's published split into examples to learn from and examples to measure on. */
public record TrainTest(Dataset train, Dataset test) {}
