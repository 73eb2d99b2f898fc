package db.migration.common;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills device_labels (V3) from the label maps of the devices enrolled before it; in Java, for both databases. */
public final class V4__device_labels_from_json extends BaseJavaMigration {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, labels FROM devices");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO device_labels (device_id, label, value) VALUES (?, ?, ?)");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                for (Map.Entry<String, String> label : JSON.readValue(
                                rows.getString(2), new TypeReference<Map<String, String>>() {})
                        .entrySet()) {
                    insert.setString(1, rows.getString(1));
                    insert.setString(2, label.getKey());
                    insert.setString(3, label.getValue());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
