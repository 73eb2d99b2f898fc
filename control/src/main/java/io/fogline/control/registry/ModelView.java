package io.fogline.control.registry;

import java.util.List;

/** A model of the registry and its published versions, newest first. */
public record ModelView(String model, List<Version> versions) {

    /** One published bundle: the model version it carries, its digest and who signed it. */
    public record Version(long version, String bundle, String keyId, long size, long publishedAt) {}
}
