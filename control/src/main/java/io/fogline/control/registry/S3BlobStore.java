package io.fogline.control.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blobs as objects {@code <prefix><sha256>} of an S3-compatible bucket (AWS S3, MinIO, Ceph, s3rver), which every
 * replica of a control plane reads and writes: replicas share no disk. S3 makes an object visible only once its upload
 * completed, so a blob that exists is whole; one stored before is not sent again.
 */
public final class S3BlobStore implements BlobStore {

    /**
     * Where the bucket is.
     *
     * @param endpoint the service's URL for an S3-compatible server (path-style addressing), or null for AWS
     * @param accessKey with {@code secretKey}, the credentials; null for the SDK's default chain (environment,
     *     profile, instance role)
     */
    public record Settings(
            String bucket, String prefix, URI endpoint, String region, String accessKey, String secretKey) {

        public Settings {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("an S3 blob store needs a bucket");
            }
            prefix = prefix == null ? "" : prefix;
            region = region == null ? "us-east-1" : region;
        }
    }

    private final S3Client s3;
    private final Settings settings;

    public S3BlobStore(Settings settings) {
        this.settings = settings;
        AwsCredentialsProvider credentials = settings.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Checksums only where S3 requires them: the SDK's default trailing checksums (aws-chunked bodies)
                // are stored as they are by S3-compatible servers that do not know them. Blobs are checked against
                // their SHA-256 at both ends anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Over plain HTTP the SDK would sign the body chunk by chunk (aws-chunked), which not every
                // S3-compatible server decodes; the whole body is signed instead.
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint()).forcePathStyle(true);
        }
        this.s3 = builder.build();
        try {
            s3.headBucket(request -> request.bucket(settings.bucket()));
        } catch (SdkException e) {
            s3.close();
            throw new IllegalStateException(
                    "S3 bucket '" + settings.bucket() + "'"
                            + (settings.endpoint() == null ? "" : " at " + settings.endpoint()) + " cannot be reached: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void put(String sha256, Path file) throws IOException {
        if (size(sha256).isPresent()) {
            return;
        }
        try {
            s3.putObject(request -> request.bucket(settings.bucket()).key(key(sha256)), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("S3: cannot store blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        if (!BlobStore.isDigest(sha256)) {
            return OptionalLong.empty();
        }
        try {
            HeadObjectResponse head =
                    s3.headObject(request -> request.bucket(settings.bucket()).key(key(sha256)));
            return OptionalLong.of(head.contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw new IOException("S3: cannot look up blob " + sha256 + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3: cannot look up blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void read(String sha256, long first, long length, OutputStream out) throws IOException {
        if (length == 0) {
            return;
        }
        try (ResponseInputStream<GetObjectResponse> object = s3.getObject(request -> request.bucket(settings.bucket())
                .key(key(sha256))
                .range("bytes=" + first + "-" + (first + length - 1)))) {
            object.transferTo(out);
        } catch (SdkException e) {
            throw new IOException("S3: cannot read blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] bytes(String sha256) throws IOException {
        try (InputStream object =
                s3.getObject(request -> request.bucket(settings.bucket()).key(key(sha256)))) {
            return object.readAllBytes();
        } catch (SdkException e) {
            throw new IOException("S3: cannot read blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    private String key(String sha256) {
        return settings.prefix() + sha256;
    }

    @Override
    public void close() {
        s3.close();
    }
}
