package io.fogline.bench.serving;

import java.io.IOException;

/** One client's way of making a request and waiting for its whole answer; each load generator thread has its own. */
interface Exchange extends AutoCloseable {

    void exchange() throws IOException;

    @Override
    void close() throws IOException;
}
