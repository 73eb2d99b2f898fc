package io.fogline.bundle;

/**
 * The paths a bundle may hold: relative, '/'-separated, no empty, {@code .} or {@code ..} segment, no backslash,
 * colon or control character, so a path can never name anything outside the directory it is unpacked into.
 */
final class SafePath {

    static final int MAX_LENGTH = 255;

    private SafePath() {}

    static String check(String path) throws BundleException {
        String problem = problem(path);
        if (problem != null) {
            throw new BundleException(Refusal.UNSAFE_PATH, "path '" + printable(path) + "' " + problem);
        }
        return path;
    }

    private static String problem(String path) {
        if (path.isEmpty()) {
            return "is empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        if (path.startsWith("/")) {
            return "is absolute";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == ':' || Character.isISOControl(c)) {
                return "holds a backslash, colon or control character";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return "climbs out of its directory";
            }
            if (segment.isEmpty() || segment.equals(".")) {
                return "has an empty or '.' segment";
            }
        }
        return null;
    }

    private static String printable(String path) {
        StringBuilder out = new StringBuilder();
        path.codePoints()
                .limit(MAX_LENGTH + 1L)
                .forEach(c ->
                        out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.toString();
    }
}
