package io.fogline.control.http;

/** Who sent a request, as its credential proves. */
public sealed interface Caller {

    record Anonymous() implements Caller {}

    record Operator() implements Caller {}

    /** An enrolled device, with the revision of its desired state read with its credential. */
    record Device(String id, long desiredRevision) implements Caller {}
}
