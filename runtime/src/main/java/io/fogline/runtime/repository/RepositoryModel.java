package io.fogline.runtime.repository;

/**
 * A model of the repository as the index lists it.
 *
 * @param version the served version, or null for a model that is not loaded
 * @param state READY, LOADING or UNAVAILABLE, as in Triton's repository index
 * @param reason why the model is not ready; empty when it is
 */
public record RepositoryModel(String name, String version, String state, String reason) {}
