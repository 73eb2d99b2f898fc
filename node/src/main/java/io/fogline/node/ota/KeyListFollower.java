package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.KeyList;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.TrustStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * The node's trust: its trust store file, following the newest key list the control plane served that a root of that
 * file signed. The list is kept in the data directory and verified again at every read, so a file changed on disk is
 * refused like a forged one; a list older than the one kept is refused, so a rollback cannot bring back a revoked key.
 */
final class KeyListFollower {

    private static final System.Logger LOG = System.getLogger(KeyListFollower.class.getName());

    private final Path trustedKeys;
    private final Path keyList;
    private final Clock clock;

    KeyListFollower(Path trustedKeys, Path keyList, Clock clock) {
        this.trustedKeys = trustedKeys;
        this.keyList = keyList;
        this.clock = clock;
    }

    /** The trust store to verify a bundle with, read afresh. */
    TrustStore trust() throws IOException {
        TrustStore local = TrustStore.load(trustedKeys);
        Optional<KeyList> followed = followed(local);
        return followed.isPresent() ? local.following(followed.get()) : local;
    }

    /**
     * Follows {@code document} from now on, unless it is the list already followed.
     *
     * @throws BundleException when no root signed it, it is malformed, or it is older than the one followed
     */
    void offer(byte[] document) throws IOException, BundleException {
        TrustStore local = TrustStore.load(trustedKeys);
        KeyList offered = KeyList.verify(document, local, clock);
        Optional<KeyList> followed = followed(local);
        if (followed.isPresent()) {
            long current = followed.get().sequence();
            if (offered.sequence() == current && Arrays.equals(document, Files.readAllBytes(keyList))) {
                return;
            }
            if (offered.sequence() <= current) {
                throw new BundleException(
                        Refusal.STALE_KEY_LIST,
                        "key list " + offered.sequence() + " is not newer than key list " + current
                                + ", which this node follows");
            }
        }
        Path temporary = keyList.resolveSibling(keyList.getFileName() + ".tmp");
        Files.write(temporary, document);
        Files.move(temporary, keyList, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.log(
                System.Logger.Level.INFO,
                "following key list {0}: {1} signing keys, {2} revoked",
                offered.sequence(),
                offered.keys().size(),
                offered.revoked().size());
    }

    private Optional<KeyList> followed(TrustStore local) throws IOException {
        if (!Files.exists(keyList)) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyList.verify(Files.readAllBytes(keyList), local, clock));
        } catch (BundleException e) {
            throw new IOException(keyList + ": the key list kept is refused: " + e.getMessage(), e);
        }
    }
}
