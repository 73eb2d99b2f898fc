package io.fogline.node.http;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's route table: walkable (each route names its API group) and matched against requests. Routes are kept
 * by their number of segments, so a request is compared with the few routes of its length only; among those the
 * first whose literal segments match wins, so a literal route ({@code /v2/models/stats}) listed before a parameter
 * route ({@code /v2/models/{model}}) takes precedence. A path that matches routes but none of their methods is told
 * which methods it takes.
 */
public final class NodeRoutes {

    private final List<NodeRoute> routes;
    private final Compiled[][] byLength;

    private record Compiled(NodeRoute route, String[] literals, List<String> names, int[] positions) {}

    public NodeRoutes(List<NodeRoute> routes) {
        this.routes = List.copyOf(routes);
        int longest = 0;
        for (NodeRoute route : routes) {
            longest = Math.max(longest, segments(route.pattern()).length);
        }
        List<List<Compiled>> lengths = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            lengths.add(new ArrayList<>());
        }
        for (NodeRoute route : routes) {
            String[] pattern = segments(route.pattern());
            String[] literals = new String[pattern.length];
            List<String> names = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < pattern.length; i++) {
                if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                    names.add(pattern[i].substring(1, pattern[i].length() - 1));
                    positions.add(i);
                } else {
                    literals[i] = pattern[i];
                }
            }
            lengths.get(pattern.length)
                    .add(new Compiled(
                            route,
                            literals,
                            List.copyOf(names),
                            positions.stream().mapToInt(Integer::intValue).toArray()));
        }
        this.byLength =
                lengths.stream().map(list -> list.toArray(Compiled[]::new)).toArray(Compiled[][]::new);
    }

    /** Every route, in the order they are matched. */
    public List<NodeRoute> all() {
        return routes;
    }

    /** What a request's method and path find. */
    public sealed interface Match {
        record Found(NodeRoute route, PathParameters parameters) implements Match {}

        record WrongMethod(Set<String> allowed) implements Match {}

        record Nothing() implements Match {}
    }

    public Match match(HttpMethod method, String path) {
        String[] segments = segments(path);
        if (segments.length >= byLength.length) {
            return new Match.Nothing();
        }
        Set<String> allowed = null;
        for (Compiled candidate : byLength[segments.length]) {
            if (!literalsMatch(candidate.literals(), segments)) {
                continue;
            }
            if (candidate.route().method().equals(method)) {
                return new Match.Found(
                        candidate.route(), new PathParameters(candidate.names(), candidate.positions(), segments));
            }
            if (allowed == null) {
                allowed = new TreeSet<>();
            }
            allowed.add(candidate.route().method().name());
        }
        return allowed == null ? new Match.Nothing() : new Match.WrongMethod(allowed);
    }

    private static boolean literalsMatch(String[] literals, String[] segments) {
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null && !literals[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** A path's segments, without the leading and one trailing slash; empty segments stay, so they match nothing. */
    static String[] segments(String path) {
        int start = path.startsWith("/") ? 1 : 0;
        int end = path.length() > start && path.endsWith("/") ? path.length() - 1 : path.length();
        return start >= end ? new String[0] : path.substring(start, end).split("/", -1);
    }
}
