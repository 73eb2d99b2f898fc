package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;

/** An Ed25519 key pair that signs bundles, kept in a JSON key file readable by its owner only. */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static SigningKey generate() {
        KeyPair pair = Ed25519.generate();
        return new SigningKey(pair.getPrivate(), pair.getPublic());
    }

    /** Reads a key file written by {@link #write}; refuses one whose public half does not match its private half. */
    public static SigningKey read(Path file) throws IOException {
        JsonNode root = KeyFiles.read(file);
        PublicKey publicKey = KeyFiles.publicKey(root, file);
        PrivateKey privateKey;
        try {
            privateKey = Ed25519.privateKey(KeyFiles.base64(root, "private_key", file));
        } catch (InvalidKeySpecException e) {
            throw new IOException(file + ": private_key is not an Ed25519 private key", e);
        }
        byte[] probe = "fogline key pair check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!Ed25519.verify(publicKey, probe, Ed25519.sign(privateKey, probe))) {
            throw new IOException(file + ": public_key is not the public half of private_key");
        }
        return new SigningKey(privateKey, publicKey);
    }

    /** Writes the key file with permissions rw------- (it holds the private key). */
    public void write(Path file) throws IOException {
        ObjectNode node = KeyFiles.publicKeyNode(publicKey);
        node.put("private_key", Base64.getEncoder().encodeToString(privateKey.getEncoded()));
        KeyFiles.write(file, node, true);
    }

    public String keyId() {
        return Ed25519.keyId(publicKey);
    }

    /** The public half, to hand to trust stores. */
    public TrustedKey trusted() {
        return TrustedKey.of(publicKey);
    }

    /** Signs the exact manifest bytes. */
    public BundleSignature sign(byte[] manifestBytes) {
        return new BundleSignature(Ed25519.ALGORITHM, keyId(), Ed25519.sign(privateKey, manifestBytes));
    }
}
