package io.fogline.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes a verified bundle's files into a directory that appears whole or not at all: every file goes into a
 * staging directory beside the target, is checked against the manifest and synced, then the staging directory is
 * renamed onto the target in one atomic step. A crash leaves at most a staging directory, removed by the next try.
 */
public final class BundleUnpacker {

    /** Where the content-addressed copy of a file lives, by its SHA-256. */
    @FunctionalInterface
    public interface BlobSource {
        Path blob(String sha256);
    }

    private interface FileSource {
        void copy(ManifestFile file, OutputStream out) throws IOException, BundleException;
    }

    private BundleUnpacker() {}

    /** Unpacks a {@code .fbundle} file; {@code verified} must be the verification of this very bundle. */
    public static void unpack(Bundle bundle, VerifiedManifest verified, Path target)
            throws IOException, BundleException {
        if (!verified.digest().equals(bundle.digest())) {
            throw new IllegalArgumentException("the verified manifest is not this bundle's");
        }
        write(verified.manifest(), bundle::copyFile, target);
    }

    /** Assembles the files from a content-addressed store, such as the one a node downloads blobs into. */
    public static void assemble(VerifiedManifest verified, BlobSource blobs, Path target)
            throws IOException, BundleException {
        write(
                verified.manifest(),
                (file, out) -> {
                    try (InputStream in = Files.newInputStream(blobs.blob(file.sha256()))) {
                        FileCheck.copy(in, out, file);
                    } catch (NoSuchFileException e) {
                        throw new BundleException(Refusal.MISSING_FILE, "'" + file.path() + "' was never downloaded");
                    }
                },
                target);
    }

    /** The staging directory {@link #unpack} and {@link #assemble} use for {@code target}. */
    public static Path stagingFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".staging");
    }

    private static void write(Manifest manifest, FileSource source, Path target) throws IOException, BundleException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " already exists");
        }
        Path staging = stagingFor(target).toAbsolutePath().normalize();
        deleteTree(staging);
        Files.createDirectories(staging);
        boolean done = false;
        try {
            for (ManifestFile file : manifest.files()) {
                Path destination = staging.resolve(SafePath.check(file.path())).normalize();
                if (!destination.startsWith(staging)) {
                    throw new BundleException(Refusal.UNSAFE_PATH, "path '" + file.path() + "' leaves the directory");
                }
                Files.createDirectories(destination.getParent());
                try (FileChannel channel =
                        FileChannel.open(destination, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    source.copy(file, java.nio.channels.Channels.newOutputStream(channel));
                    channel.force(true);
                }
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.toAbsolutePath().getParent());
            done = true;
        } finally {
            if (!done) {
                deleteTree(staging);
            }
        }
    }

    /** Makes a rename durable: on Linux a directory opened for reading can be synced. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the rename is still atomic, only its durability waits.
        }
    }

    /** Deletes a directory tree without following links. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
