package io.fogline.control.monitor;

import io.fogline.control.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts alerts as JSON ({@link Alert}'s fields, snake_case) to an operator's URL: once when one opens, and once more
 * when it resolves ({@code state} says which). A post counts as delivered on a 2xx answer; otherwise it is tried
 * again at the next step, up to {@link #MAX_ATTEMPTS} times.
 */
public final class Webhook {

    public static final int MAX_ATTEMPTS = 10;

    private static final Logger LOG = Logger.getLogger(Webhook.class.getName());

    private final URI url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Webhook(URI url) {
        this.url = url;
    }

    /** Sends what was not delivered yet. */
    public void deliver(AlertStore alerts) {
        for (AlertStore.Delivery delivery : alerts.undelivered(MAX_ATTEMPTS)) {
            if (alerts.take(delivery) && post(delivery.alert())) {
                alerts.delivered(delivery);
            }
        }
    }

    private boolean post(Alert alert) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(alert)))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                return true;
            }
            LOG.warning("webhook " + url + " answered " + response.statusCode() + " to alert " + alert.id());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "webhook " + url + " unreachable for alert " + alert.id() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
