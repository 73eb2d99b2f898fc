-- Each step of a rollout judges the switches it has not judged yet. Without this index a step read every action of
-- its wave to find them (5 s per chunk in a wave of 100,000 on a loaded machine), so the steps grew with the wave.
CREATE INDEX actions_unjudged ON actions (rollout_id, id)
    WHERE purpose = 'update' AND status = 'switched' AND gate IS NULL;
