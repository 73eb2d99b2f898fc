package io.fogline.node;

import io.fogline.listener.ConnectionLimits;
import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.node.security.ConfigLimits;
import java.nio.file.Path;

/**
 * What the node's owner allows the network: whether models may be loaded and unloaded over the repository API, which
 * API groups need a key, what clients may hold of the listener, what a model's config may ask for, and the
 * certificate it serves HTTPS with.
 *
 * @param tlsCertificate the PEM certificate chain of HTTPS, or null to serve plain HTTP
 * @param tlsKey the PEM private key of that certificate
 */
public record NodeProtection(
        ModelControlMode modelControl,
        ApiRestrictions restrictions,
        ConnectionLimits connections,
        ConfigLimits configs,
        Path tlsCertificate,
        Path tlsKey) {

    public static NodeProtection defaults() {
        return new NodeProtection(
                ModelControlMode.NONE,
                ApiRestrictions.none(),
                ConnectionLimits.defaults(),
                ConfigLimits.defaults(),
                null,
                null);
    }

    public NodeProtection withModelControl(ModelControlMode mode) {
        return new NodeProtection(mode, restrictions, connections, configs, tlsCertificate, tlsKey);
    }

    public NodeProtection withRestrictions(ApiRestrictions keys) {
        return new NodeProtection(modelControl, keys, connections, configs, tlsCertificate, tlsKey);
    }

    public NodeProtection withConnections(ConnectionLimits limits) {
        return new NodeProtection(modelControl, restrictions, limits, configs, tlsCertificate, tlsKey);
    }

    public NodeProtection withConfigs(ConfigLimits limits) {
        return new NodeProtection(modelControl, restrictions, connections, limits, tlsCertificate, tlsKey);
    }

    public NodeProtection withTls(Path certificate, Path key) {
        return new NodeProtection(modelControl, restrictions, connections, configs, certificate, key);
    }
}
