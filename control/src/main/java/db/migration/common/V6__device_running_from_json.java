package db.migration.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills device_running (V5) from the running lists devices reported before it; in Java, for both databases. */
public final class V6__device_running_from_json extends BaseJavaMigration {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, running FROM devices");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO device_running (device_id, model, version) VALUES (?, ?, ?)"
                                + " ON CONFLICT DO NOTHING");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                for (JsonNode running : JSON.readTree(rows.getString(2))) {
                    insert.setString(1, rows.getString(1));
                    insert.setString(2, running.path("model").asText());
                    insert.setLong(3, running.path("version").asLong());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
