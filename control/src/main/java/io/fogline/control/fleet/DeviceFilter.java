package io.fogline.control.fleet;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Which devices: those of a group (null: any), carrying every label of a selector (null: any). Filtered in the
 * database, on the indexes of device groups and labels.
 */
public record DeviceFilter(String group, LabelSelector selector) {

    public static final DeviceFilter ALL = new DeviceFilter(null, null);

    /** {@code WHERE ...} over the devices table aliased {@code alias}; {@code WHERE TRUE} for all devices. */
    public String where(String alias) {
        StringBuilder sql = new StringBuilder(" WHERE TRUE");
        if (group != null) {
            sql.append(" AND ").append(alias).append(".device_group = ?");
        }
        if (selector != null) {
            for (int i = 0; i < selector.required().size(); i++) {
                sql.append(" AND EXISTS (SELECT 1 FROM device_labels l WHERE l.device_id = ")
                        .append(alias)
                        .append(".id AND l.label = ? AND l.value = ?)");
            }
        }
        return sql.toString();
    }

    /** Binds the parameters of {@link #where} from {@code index}; returns the next free index. */
    public int bind(PreparedStatement statement, int index) throws SQLException {
        if (group != null) {
            statement.setString(index++, group);
        }
        if (selector != null) {
            for (Map.Entry<String, String> label : selector.required().entrySet()) {
                statement.setString(index++, label.getKey());
                statement.setString(index++, label.getValue());
            }
        }
        return index;
    }
}
