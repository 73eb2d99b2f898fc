package io.fogline.node;

import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ConnectionLimits;
import io.fogline.node.http.ModelControlMode;
import io.fogline.node.security.ConfigLimits;

/**
 * What the node's owner allows the network: whether models may be loaded and unloaded over the repository API, which
 * API groups need a key, what clients may hold of the listener, and what a model's config may ask for.
 */
public record NodeProtection(
        ModelControlMode modelControl,
        ApiRestrictions restrictions,
        ConnectionLimits connections,
        ConfigLimits configs) {

    public static NodeProtection defaults() {
        return new NodeProtection(
                ModelControlMode.NONE, ApiRestrictions.none(), ConnectionLimits.defaults(), ConfigLimits.defaults());
    }

    public NodeProtection withModelControl(ModelControlMode mode) {
        return new NodeProtection(mode, restrictions, connections, configs);
    }

    public NodeProtection withRestrictions(ApiRestrictions keys) {
        return new NodeProtection(modelControl, keys, connections, configs);
    }

    public NodeProtection withConnections(ConnectionLimits limits) {
        return new NodeProtection(modelControl, restrictions, limits, configs);
    }

    public NodeProtection withConfigs(ConfigLimits limits) {
        return new NodeProtection(modelControl, restrictions, connections, limits);
    }
}
