package io.fogline.control.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A table of routes: what a transport serves, walkable by tests (each route says who may call it) and matched
 * against requests. A path that matches a route but not its method is told which methods it takes.
 */
public final class Routes {

    private final List<Route> routes;

    public Routes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static Routes of(Route... routes) {
        return new Routes(List.of(routes));
    }

    /** Every route of these tables, in order. */
    public static Routes join(Routes... tables) {
        List<Route> all = new ArrayList<>();
        for (Routes table : tables) {
            all.addAll(table.routes);
        }
        return new Routes(all);
    }

    public List<Route> all() {
        return routes;
    }

    /** What a request's method and path find. */
    sealed interface Match {
        record Found(Route route, Map<String, String> parameters) implements Match {}

        record WrongMethod(Set<String> allowed) implements Match {}

        record Nothing() implements Match {}
    }

    Match match(String method, String path) {
        List<String> segments = Paths.segments(path);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = parameters(route.segments(), segments);
            if (parameters != null) {
                if (route.method().equals(method)) {
                    return new Match.Found(route, parameters);
                }
                allowed.add(route.method());
            }
        }
        return allowed.isEmpty() ? new Match.Nothing() : new Match.WrongMethod(allowed);
    }

    /** The path's parameters when it matches the pattern, else null. */
    private static Map<String, String> parameters(List<String> pattern, List<String> path) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String segment = pattern.get(i);
            if (segment.startsWith("{") && segment.endsWith("*}")) {
                parameters.put(
                        segment.substring(1, segment.length() - 2), String.join("/", path.subList(i, path.size())));
                return parameters;
            }
            if (i >= path.size()) {
                return null;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                parameters.put(segment.substring(1, segment.length() - 1), path.get(i));
            } else if (!segment.equals(path.get(i))) {
                return null;
            }
        }
        return pattern.size() == path.size() ? parameters : null;
    }
}
