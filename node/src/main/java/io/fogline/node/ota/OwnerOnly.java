package io.fogline.node.ota;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories that hold the device's credential, readable by the node's user only. Existing ones that others
 * could read (a data directory made by an older node, a copied backup) are narrowed at start, with a warning, because
 * a node that refused to start would leave the device serving nothing.
 */
final class OwnerOnly {

    private static final System.Logger LOG = System.getLogger(OwnerOnly.class.getName());
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Makes {@code directory} (and its parents) when absent, and makes it the owner's only. */
    static void directory(Path directory) throws IOException {
        Files.createDirectories(directory);
        narrow(directory, DIRECTORY);
    }

    /** Makes {@code file} empty when absent, so that it is born the owner's only, else narrows it. */
    static void file(Path file) throws IOException {
        if (Files.notExists(file) && posix(file.toAbsolutePath().getParent())) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } else if (Files.exists(file)) {
            narrow(file, FILE);
        }
    }

    private static void narrow(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (!posix(path)) {
            return;
        }
        Set<PosixFilePermission> held = Files.getPosixFilePermissions(path);
        if (!wanted.containsAll(held) || !held.containsAll(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
            if (!wanted.containsAll(held)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0} was {1}; it holds the device''s credential, so it is now {2}",
                        path,
                        PosixFilePermissions.toString(held),
                        PosixFilePermissions.toString(wanted));
            }
        }
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    }
}
