-- 0010: what each API token may do (scope names separated by spaces, see src/domain/scope.h)
-- and when it was last used. Tokens made before scopes existed keep every scope they had.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'consultations moderation';
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
