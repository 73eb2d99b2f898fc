package io.fogline.fetch;

/** Where a model's archive comes from: always a package registry, reached through its own client. */
sealed interface ModelSource {

    /** How the source reads in progress lines and error messages, e.g. {@code @ricky0123/vad-web@0.0.31 via npm}. */
    String describe();

    /** A jar in a Maven repository; its entries are read as a zip archive. */
    record MavenArtifact(String groupId, String artifactId, String version) implements ModelSource {

        String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }

        String jarFileName() {
            return artifactId + "-" + version + ".jar";
        }

        @Override
        public String describe() {
            return coordinates() + " via Maven";
        }
    }

    /** An npm package; its tarball's entries are read as a gzip-compressed tar archive. */
    record NpmPackage(String name, String version) implements ModelSource {

        String spec() {
            return name + "@" + version;
        }

        @Override
        public String describe() {
            return spec() + " via npm";
        }
    }
}
