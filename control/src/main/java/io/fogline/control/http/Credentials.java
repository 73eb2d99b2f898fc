package io.fogline.control.http;

import io.fogline.control.common.ControlException;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.Secrets;

/** Tells callers apart by their bearer token: the admin token, the metrics token, or a device credential. */
public final class Credentials {

    private final String adminToken;
    private final String metricsToken;
    private final Fleet fleet;

    /** @param metricsToken the token {@code /metrics} asks for, or null to serve it to anyone */
    public Credentials(String adminToken, String metricsToken, Fleet fleet) {
        this.adminToken = adminToken;
        this.metricsToken = metricsToken;
        this.fleet = fleet;
    }

    /** The caller a request's {@code Authorization} header proves; refused when it proves no one. */
    Caller caller(String authorization) {
        String token = bearer(authorization);
        if (Secrets.matches(token, adminToken)) {
            return new Caller.Operator();
        }
        Fleet.AuthenticatedDevice device = fleet.authenticate(token);
        return new Caller.Device(device.id(), device.desiredRevision());
    }

    /** Lets a scrape through when no metrics token is set, or it carries the metrics or the admin token. */
    void checkMetrics(String authorization) {
        if (metricsToken == null) {
            return;
        }
        String token = bearer(authorization);
        if (!Secrets.matches(token, metricsToken) && !Secrets.matches(token, adminToken)) {
            throw ControlException.unauthenticated("wrong metrics token");
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() == 7) {
            throw ControlException.unauthenticated("missing 'Authorization: Bearer <credential>'");
        }
        return authorization.substring(7).trim();
    }
}
