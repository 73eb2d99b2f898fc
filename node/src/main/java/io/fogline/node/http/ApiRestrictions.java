package io.fogline.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Triton's {@code --http-restricted-api}: API groups that answer only requests carrying a header with a key, e.g.
 * {@code model-repository,statistics:admin-key=s3cret}. A group may be named once; groups not named are open.
 */
public final class ApiRestrictions {

    /** A header and the value it must carry. */
    public record Key(String header, String value) {}

    private final Map<ApiGroup, Key> keys;

    private ApiRestrictions(Map<ApiGroup, Key> keys) {
        this.keys = keys;
    }

    public static ApiRestrictions none() {
        return new ApiRestrictions(new EnumMap<>(ApiGroup.class));
    }

    /** Parses each {@code <group>[,<group>...]:<header>=<value>}; refuses unknown groups and a group named twice. */
    public static ApiRestrictions parse(List<String> specifications) {
        Map<ApiGroup, Key> keys = new EnumMap<>(ApiGroup.class);
        for (String specification : specifications) {
            int colon = specification.indexOf(':');
            int equals = specification.indexOf('=', colon + 1);
            if (colon <= 0 || equals <= colon + 1 || equals == specification.length() - 1) {
                throw new IllegalArgumentException(
                        "--http-restricted-api must be <api>[,<api>...]:<header>=<key>, got '" + specification + "'");
            }
            Key key = new Key(specification.substring(colon + 1, equals), specification.substring(equals + 1));
            for (String name : specification.substring(0, colon).split(",")) {
                ApiGroup group = group(name.trim());
                if (keys.put(group, key) != null) {
                    throw new IllegalArgumentException(
                            "--http-restricted-api names '" + group.flagName() + "' more than once");
                }
            }
        }
        return new ApiRestrictions(keys);
    }

    private static ApiGroup group(String name) {
        for (ApiGroup group : ApiGroup.values()) {
            if (group.flagName().equals(name)) {
                return group;
            }
        }
        List<String> known = java.util.Arrays.stream(ApiGroup.values())
                .map(ApiGroup::flagName)
                .toList();
        throw new IllegalArgumentException(
                "--http-restricted-api: unknown API '" + name + "'; the APIs are " + String.join(", ", known));
    }

    /**
     * Null when a request to {@code group} with {@code header} (the value of the group's header, or null) may pass,
     * else the refusal, as Triton words it.
     */
    public String refusal(ApiGroup group, java.util.function.UnaryOperator<String> header) {
        Key key = keys.get(group);
        if (key == null) {
            return null;
        }
        String given = header.apply(key.header());
        if (given != null
                && MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), key.value().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return "This API is restricted, expecting header '" + key.header() + "'";
    }

    /** The group's key, or null where it is open. */
    public Key key(ApiGroup group) {
        return keys.get(group);
    }
}
