package io.fogline.control;

class PostgresRolloutStateMachineProperties extends RolloutStateMachineProperties {
    @Override
    TestStore store() {
        return TestStore.POSTGRES;
    }
}
