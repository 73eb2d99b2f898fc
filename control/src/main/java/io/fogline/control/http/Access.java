package io.fogline.control.http;

/** Who may call a route; the server checks it before the handler runs. */
public enum Access {
    /** Anyone, with no credential: enrolment, the dashboard's files. */
    PUBLIC,
    /** Anyone, unless the control plane runs with a metrics token: then that token, or the admin token. */
    METRICS,
    /** Only the device the path's {@code {id}} names, with its credential. */
    OWN_DEVICE,
    /** The device the path's {@code {id}} names, or the operator. */
    OWN_DEVICE_OR_OPERATOR,
    /** Any enrolled device or the operator: content-addressed documents that are signed anyway. */
    ANY_CALLER,
    /** The operator, with the admin token. */
    OPERATOR
}
