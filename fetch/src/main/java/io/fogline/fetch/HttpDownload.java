package io.fogline.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads one pinned file over HTTP into {@code <target>.part}, resuming a part left by an earlier try with a
 * {@code Range} request, and moves it to {@code target} only once its size and SHA-256 match the pin. A download that
 * receives nothing for {@link #STALL} is abandoned (its part is kept for the next try).
 */
final class HttpDownload {

    static final Duration STALL = Duration.ofSeconds(60);

    private final HttpClient client;

    HttpDownload(HttpClient client) {
        this.client = client;
    }

    /** A client that goes through {@code http_proxy} when the environment names one, as curl and apt do. */
    static HttpDownload fromEnvironment(Map<String, String> environment) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30));
        String proxy = environment.getOrDefault("http_proxy", environment.get("HTTP_PROXY"));
        if (proxy != null && !proxy.isBlank() && System.getProperty("http.proxyHost") == null) {
            URI uri = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
            builder.proxy(
                    ProxySelector.of(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort())));
        }
        return new HttpDownload(builder.build());
    }

    void download(URI from, Path target, long bytes, String sha256, DownloadListener listener) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long kept = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (kept > bytes) {
            Files.delete(part);
            kept = 0;
        }
        if (kept < bytes) {
            receive(from, part, kept, bytes, listener);
        }
        FileDigest digest = FileDigest.of(part);
        if (digest.bytes() != bytes || !digest.sha256().equals(sha256)) {
            Files.delete(part);
            throw new IOException(from + " sent " + digest.bytes() + " bytes with sha256 " + digest.sha256()
                    + ", pinned are " + bytes + " bytes with sha256 " + sha256 + "; refusing it");
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void receive(URI from, Path part, long kept, long bytes, DownloadListener listener) throws IOException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(from).timeout(STALL).GET();
        if (kept > 0) {
            request.header("Range", "bytes=" + kept + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking " + from);
        } catch (IOException e) {
            throw new IOException("cannot reach " + from + ": " + describe(e), e);
        }
        int status = response.statusCode();
        boolean resumed = status == 206 && kept > 0;
        if (status != 200 && !resumed) {
            response.body().close();
            throw new IOException(from + " answered HTTP " + status);
        }
        long offset = resumed ? kept : 0;
        listener.downloading(from, bytes, offset);
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            Thread watchdog = Thread.ofVirtual().start(() -> closeWhenStalled(in, lastArrival));
            try {
                byte[] buffer = new byte[64 * 1024];
                long received = offset;
                long nextReport = nextTenth(received, bytes);
                for (int n; (n = in.read(buffer)) >= 0 && received < bytes; ) {
                    lastArrival.set(System.nanoTime());
                    int wanted = (int) Math.min(n, bytes - received);
                    out.write(buffer, 0, wanted);
                    received += wanted;
                    if (received >= nextReport) {
                        listener.progress(received, bytes);
                        nextReport = nextTenth(received, bytes);
                    }
                }
            } catch (IOException e) {
                throw new IOException(
                        "the download from " + from + " broke off (" + describe(e) + "); what arrived is kept in "
                                + part + " and the next try resumes it",
                        e);
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private static long nextTenth(long received, long bytes) {
        long tenth = Math.max(1, bytes / 10);
        return (received / tenth + 1) * tenth;
    }

    private static void closeWhenStalled(InputStream in, AtomicLong lastArrival) {
        try {
            while (true) {
                Thread.sleep(1000);
                if (System.nanoTime() - lastArrival.get() > STALL.toNanos()) {
                    in.close();
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // The download ended, or the stream is already closed.
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
