package io.fogline.fetch;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Copies chosen entries out of a jar, an npm tarball or a Debian package into files, hashing them on the way. */
final class ArchiveEntries {

    /** Far above any model in the catalog; stops a hostile archive from filling the disk. */
    static final long MAX_ENTRY_BYTES = 4L << 30;

    private ArchiveEntries() {}

    /** Copies each entry named in {@code targets} to its file; returns the digests by entry name. */
    static Map<String, FileDigest> fromZip(Path archive, Map<String, Path> targets) throws IOException {
        Map<String, FileDigest> digests = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Map.Entry<String, Path> target : targets.entrySet()) {
                ZipEntry entry = zip.getEntry(target.getKey());
                if (entry == null || entry.isDirectory()) {
                    throw missing(archive, target.getKey());
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    digests.put(target.getKey(), copy(in, target.getValue(), target.getKey()));
                }
            }
        }
        return digests;
    }

    /** Copies each entry named in {@code targets} to its file; returns the digests by entry name. */
    static Map<String, FileDigest> fromTarGz(Path archive, Map<String, Path> targets) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            return fromTar(in, archive, targets);
        }
    }

    /** Copies each file the Debian package installs at a path named in {@code targets}, e.g. {@code usr/share/...}. */
    static Map<String, FileDigest> fromDeb(Path archive, Map<String, Path> targets) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
                InputStream in = DebArchive.dataTar(file, archive.getFileName().toString())) {
            return fromTar(in, archive, targets);
        }
    }

    private static Map<String, FileDigest> fromTar(InputStream in, Path archive, Map<String, Path> targets)
            throws IOException {
        Map<String, FileDigest> digests = new HashMap<>();
        try {
            TarReader tar = new TarReader(in, MAX_ENTRY_BYTES);
            for (TarReader.Entry entry; (entry = tar.next()) != null; ) {
                // dpkg writes "./usr/...", other tools "usr/...": the same file.
                String name = entry.name().startsWith("./") ? entry.name().substring(2) : entry.name();
                Path target = targets.get(name);
                if (target != null && entry.regularFile()) {
                    digests.put(name, copy(tar.content(), target, name));
                }
            }
        } catch (EOFException e) {
            throw new EOFException(archive.getFileName() + " is truncated: " + e.getMessage());
        }
        for (String name : targets.keySet()) {
            if (!digests.containsKey(name)) {
                throw missing(archive, name);
            }
        }
        return digests;
    }

    private static FileDigest copy(InputStream in, Path target, String entryName) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            return FileDigest.copy(in, out, MAX_ENTRY_BYTES, "archive entry " + entryName);
        }
    }

    private static IOException missing(Path archive, String entryName) {
        return new IOException(archive.getFileName() + " has no file entry " + entryName);
    }
}
