package io.fogline.control;

class SqliteRolloutStateMachineProperties extends RolloutStateMachineProperties {
    @Override
    TestStore store() {
        return TestStore.SQLITE;
    }
}
