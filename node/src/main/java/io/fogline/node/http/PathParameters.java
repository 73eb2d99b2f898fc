package io.fogline.node.http;

import java.util.List;

/** The parameter segments of a matched path, read by the names its route's pattern gives them. */
public final class PathParameters {

    private final List<String> names;
    private final String[] segments;
    private final int[] positions;

    PathParameters(List<String> names, int[] positions, String[] segments) {
        this.names = names;
        this.positions = positions;
        this.segments = segments;
    }

    /** The segment in the place of {@code {name}}, or null where the route has no such parameter. */
    public String get(String name) {
        int index = names.indexOf(name);
        return index < 0 ? null : segments[positions[index]];
    }
}
