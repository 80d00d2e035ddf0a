-- metrics retention deletes by age
CREATE INDEX IF NOT EXISTS idx_retention_history_executed ON queen.retention_history (executed_at);
