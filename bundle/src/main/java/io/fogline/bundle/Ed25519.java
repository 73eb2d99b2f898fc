package io.fogline.bundle;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/** Ed25519 through the JDK's own provider; keys travel as their standard X.509 and PKCS#8 encodings. */
final class Ed25519 {

    static final String ALGORITHM = "Ed25519";

    private Ed25519() {}

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    /** The key id: "ed25519:" and the first 16 hex digits of the SHA-256 of the key's X.509 encoding. */
    static String keyId(PublicKey key) {
        return "ed25519:" + Sha256.of(key.getEncoded()).substring(0, 16);
    }

    static PublicKey publicKey(byte[] x509) throws InvalidKeySpecException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
        } catch (InvalidKeySpecException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    static PrivateKey privateKey(byte[] pkcs8) throws InvalidKeySpecException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (InvalidKeySpecException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    private static IllegalStateException unavailable(GeneralSecurityException e) {
        return new IllegalStateException("the JDK's Ed25519 provider failed: " + e.getMessage(), e);
    }
}
